import * as serviceOps from '#shared/control/services.ts';
import * as deployments from '#shared/control/service-deployments.ts';
import { updateContainerInstancesState } from '#shared/control/instances.ts';
import { arns } from '#shared/domain/arn.ts';
import { InvalidParameterError } from '#shared/domain/errors.ts';
import {
  createServiceRequest,
  deleteServiceRequest,
  describeServiceDeploymentsRequest,
  describeServicesRequest,
  listServiceDeploymentsRequest,
  listServicesRequest,
  stopServiceDeploymentRequest,
  updateContainerInstancesStateRequest,
  updateServiceRequest,
} from '#shared/schemas/service-requests.ts';
import { presentContainerInstance } from '../presenters/container-instance.ts';
import { tagsIfIncluded } from '../presenters/tags.ts';
import { presentService } from '../presenters/service.ts';
import { presentRevisionSummary, presentSourceRevisions } from '../presenters/service-revision.ts';
import { compact, seconds } from '../presenters/time.ts';
import { operation, type Operation } from './operation.ts';
import type { ControlContext } from '#shared/control/context.ts';
import type { Deployment, Service } from '#shared/schemas/service.ts';

export const serviceOperations: Record<string, Operation> = {
  CreateService: operation(createServiceRequest, async (ctx, input) => ({
    service: presentService(ctx.deployment, await serviceOps.createService(ctx, input)),
  })),
  UpdateService: operation(updateServiceRequest, async (ctx, input) => ({
    service: presentService(ctx.deployment, await serviceOps.updateService(ctx, input)),
  })),
  DeleteService: operation(deleteServiceRequest, async (ctx, input) => ({
    service: presentService(ctx.deployment, await serviceOps.deleteService(ctx, input)),
  })),
  DescribeServices: operation(describeServicesRequest, async (ctx, input) => {
    const result = await serviceOps.describeServices(ctx, input.cluster, input.services);
    return {
      services: result.services.map((s) => tagsIfIncluded(input.include, presentService(ctx.deployment, s))),
      failures: result.missing.map((arn) => ({ arn, reason: 'MISSING' })),
    };
  }),
  ListServices: operation(listServicesRequest, async (ctx, input) => {
    const page = await serviceOps.listServices(ctx, input);
    return {
      serviceArns: page.services.map((s) => arns.service(ctx.deployment, s.clusterName, s.serviceName)),
      ...(page.nextToken !== undefined && { nextToken: page.nextToken }),
    };
  }),
  ListServiceDeployments: operation(listServiceDeploymentsRequest, async (ctx, input) => {
    const page = await deployments.listServiceDeployments(ctx, input);
    const s = page.service;
    return {
      serviceDeployments: page.deployments.map((d) => compact(deploymentBrief(ctx, s, d))),
      ...(page.nextToken !== undefined && { nextToken: page.nextToken }),
    };
  }),
  DescribeServiceDeployments: operation(describeServiceDeploymentsRequest, async (ctx, input) => {
    const result = await deployments.describeServiceDeployments(ctx, input.serviceDeploymentArns);
    return {
      serviceDeployments: result.found.map(({ service: s, deployment: d }) =>
        compact({
          ...deploymentBrief(ctx, s, d),
          updatedAt: seconds(d.updatedAt),
          sourceServiceRevisions: presentSourceRevisions(ctx.deployment, s, d),
          targetServiceRevision: presentRevisionSummary(ctx.deployment, s, d),
          deploymentConfiguration: {
            minimumHealthyPercent: s.minimumHealthyPercent,
            maximumPercent: s.maximumPercent,
            deploymentCircuitBreaker: s.circuitBreaker,
          },
          deploymentCircuitBreaker: {
            status: s.circuitBreaker.enable ? 'MONITORING' : 'DISABLED',
            failureCount: d.failedTasks,
          },
          ...(d.rollbackOf !== undefined && {
            rollback: { reason: d.rolloutStateReason, startedAt: seconds(d.createdAt) },
          }),
        }),
      ),
      failures: result.missing.map((arn) => ({ arn, reason: 'MISSING' })),
    };
  }),
  StopServiceDeployment: operation(stopServiceDeploymentRequest, async (ctx, input) => ({
    serviceDeploymentArn: await deployments.stopServiceDeployment(
      ctx,
      input.serviceDeploymentArn,
      input.stopType ?? 'ROLLBACK',
    ),
  })),
  UpdateContainerInstancesState: operation(updateContainerInstancesStateRequest, async (ctx, input) => {
    if (input.status !== 'ACTIVE' && input.status !== 'DRAINING') {
      throw new InvalidParameterError('Container instance status can only be set to ACTIVE or DRAINING');
    }
    const result = await updateContainerInstancesState(ctx, input.cluster, input.containerInstances, input.status);
    return {
      containerInstances: result.instances.map((i) => presentContainerInstance(ctx.deployment, i)),
      failures: result.missing.map((arn) => ({ arn, reason: 'MISSING' })),
    };
  }),
};

/** What ListServiceDeployments and DescribeServiceDeployments both say of a deployment. */
function deploymentBrief(ctx: ControlContext, s: Service, d: Deployment): Record<string, unknown> {
  return {
    serviceDeploymentArn: deployments.serviceDeploymentArn(ctx, s, d),
    serviceArn: arns.service(ctx.deployment, s.clusterName, s.serviceName),
    clusterArn: arns.cluster(ctx.deployment, s.clusterName),
    createdAt: seconds(d.createdAt),
    startedAt: seconds(d.createdAt),
    finishedAt: seconds(d.finishedAt),
    status: d.deploymentStatus,
    statusReason: d.rolloutStateReason,
  };
}
