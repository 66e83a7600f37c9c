import { continueServiceDeployment } from '#shared/control/continue-deployment.ts';
import { continueServiceDeploymentRequest } from '#shared/schemas/service-revision-requests.ts';
import { operation, type Operation } from './operation.ts';

export const continueDeploymentOperations: Record<string, Operation> = {
  ContinueServiceDeployment: operation(continueServiceDeploymentRequest, async (ctx, input) => ({
    serviceDeploymentArn: await continueServiceDeployment(ctx, input.serviceDeploymentArn, input.hookId),
  })),
};
