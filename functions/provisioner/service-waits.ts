import { DescribeServiceDeploymentsCommand, DescribeServicesCommand, type Service } from '@aws-sdk/client-ecs';
import type { Berth } from './berth-client.ts';
import { ProvisionerError } from './errors.ts';
import type { IsCompleteResult, PendingWork } from './events.ts';
import { isNotFound } from './not-found.ts';
import { serviceOfArn } from './service-arn.ts';

const WAITING = new Set(['PENDING', 'IN_PROGRESS']);

/**
 * A deployment is done when ECS calls it SUCCESSFUL and the service runs its
 * desired count; any other end (the circuit breaker's FAILED and rollback,
 * STOPPED, superseded) fails the event with the deployment's own reason.
 */
export async function deploymentComplete(
  berth: Berth,
  pending: Extract<PendingWork, { kind: 'deployment' }>,
): Promise<IsCompleteResult> {
  // ECS's service-deployment ARN: the service ARN's resource renamed, plus the deployment's number.
  const arn = `${pending.serviceArn.replace(':service/', ':service-deployment/')}/${pending.deploymentId.replace('ecs-svc/', '')}`;
  const out = await berth.call('DescribeServiceDeployments', (ecs) =>
    ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] })),
  );
  const deployment = out.serviceDeployments?.[0];
  if (!deployment) throw new ProvisionerError(`Deployment ${pending.deploymentId} of ${pending.serviceArn} is gone`);
  const status = deployment.status ?? 'PENDING';
  if (WAITING.has(status)) return { IsComplete: false };
  if (status !== 'SUCCESSFUL') {
    throw new ProvisionerError(
      `Deployment ${pending.deploymentId} of ${pending.serviceArn} ended ${status}: ${deployment.statusReason ?? 'no reason given'}`,
    );
  }
  const service = await describe(berth, pending.serviceArn);
  const steady = service !== undefined && service.runningCount === service.desiredCount;
  return { IsComplete: steady };
}

/** A deleted service is done when it has drained to INACTIVE (or is gone). */
export async function drainComplete(
  berth: Berth,
  pending: Extract<PendingWork, { kind: 'drain' }>,
): Promise<IsCompleteResult> {
  const service = await describe(berth, pending.serviceArn);
  return { IsComplete: service === undefined || service.status === 'INACTIVE' };
}

async function describe(berth: Berth, serviceArn: string): Promise<Service | undefined> {
  const where = serviceOfArn(serviceArn);
  if (!where) return undefined;
  try {
    const out = await berth.call('DescribeServices', (ecs) =>
      ecs.send(new DescribeServicesCommand({ cluster: where.cluster, services: [where.service] })),
    );
    return out.services?.[0];
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}
