import type { z } from 'zod';
import { arnPrefix, serviceDeploymentRef } from '../domain/arn.ts';
import { services } from '../domain/collections.ts';
import { InvalidParameterError, NotFoundError, StateConflictError } from '../domain/errors.ts';
import type { listServiceDeploymentsRequest } from '../schemas/service-requests.ts';
import type { Deployment, Service } from '../schemas/service.ts';
import { lastGood } from '../scheduler/service-plan.ts';
import { label, withEvent } from '../scheduler/service-events.ts';
import type { ControlContext } from './context.ts';
import { updateWithRetry } from './listing.ts';
import { deploymentId, requireService, startDeployment } from './services.ts';

/** `.../service-deployment/<cluster>/<service>/<digits>` for deployment `ecs-svc/<digits>`. */
export function serviceDeploymentArn(ctx: ControlContext, service: Service, deployment: Deployment): string {
  return `${arnPrefix(ctx.deployment)}:service-deployment/${service.clusterName}/${service.serviceName}/${deployment.id.replace('ecs-svc/', '')}`;
}

export function allDeployments(service: Service): Deployment[] {
  return [...service.deployments, ...service.history];
}

export async function listServiceDeployments(
  ctx: ControlContext,
  request: z.infer<typeof listServiceDeploymentsRequest>,
): Promise<{ service: Service; deployments: Deployment[]; nextToken?: string }> {
  const service = (await requireService(ctx, request.cluster, request.service)).value;
  const limit = request.maxResults ?? 20;
  if (limit < 1 || limit > 100) throw new InvalidParameterError('maxResults must be between 1 and 100');
  const offset = request.nextToken === undefined ? 0 : Number(request.nextToken);
  if (!Number.isInteger(offset) || offset < 0) throw new InvalidParameterError('Invalid nextToken');
  const after = request.createdAt?.after === undefined ? undefined : request.createdAt.after * 1000;
  const before = request.createdAt?.before === undefined ? undefined : request.createdAt.before * 1000;
  const matching = allDeployments(service)
    .filter((d) => request.status === undefined || request.status.includes(d.deploymentStatus))
    .filter((d) => (after === undefined || d.createdAt >= after) && (before === undefined || d.createdAt <= before));
  const page = matching.slice(offset, offset + limit);
  return {
    service,
    deployments: page,
    ...(offset + limit < matching.length && { nextToken: String(offset + limit) }),
  };
}

export async function describeServiceDeployments(
  ctx: ControlContext,
  refs: readonly string[],
): Promise<{ found: { service: Service; deployment: Deployment }[]; missing: string[] }> {
  const found: { service: Service; deployment: Deployment }[] = [];
  const missing: string[] = [];
  for (const ref of refs) {
    const { cluster, service, id } = serviceDeploymentRef(ctx.deployment, ref);
    const item = await ctx.store.get(services, services.key(cluster, service));
    const deployment = item && allDeployments(item.value).find((d) => d.id === id);
    if (item && deployment) found.push({ service: item.value, deployment });
    else missing.push(ref);
  }
  return { found, missing };
}

/**
 * Stops an in-progress deployment: ROLLBACK (the default) makes the last
 * completed deployment PRIMARY again; ABORT halts where it is.
 */
export async function stopServiceDeployment(
  ctx: ControlContext,
  arn: string,
  stopType: 'ROLLBACK' | 'ABORT',
): Promise<string> {
  const { cluster, service, id } = serviceDeploymentRef(ctx.deployment, arn);
  const now = ctx.clock.now();
  const newId = deploymentId(ctx);
  const updated = await updateWithRetry(ctx.store, services, services.key(cluster, service), (s) => {
    const primary = s.deployments[0];
    if (!allDeployments(s).some((d) => d.id === id)) {
      throw new NotFoundError('serviceDeployment', `Service deployment ${arn} was not found`);
    }
    if (!primary || primary.id !== id || primary.rolloutState !== 'IN_PROGRESS') {
      throw new StateConflictError(`The service deployment ${arn} is not in progress`);
    }
    if (stopType === 'ABORT') {
      const halted: Deployment = {
        ...primary,
        rolloutState: 'FAILED',
        rolloutStateReason: 'Stopped by request.',
        deploymentStatus: 'STOPPED',
        updatedAt: now,
        finishedAt: now,
      };
      return withEvent(
        { ...s, deployments: [halted, ...s.deployments.slice(1)] },
        `${label(s)} (deployment ${id}) stopped by request.`,
        now,
        ctx.ids.next(),
      );
    }
    const target = lastGood(s);
    if (!target) throw new StateConflictError(`The service has no completed deployment to roll back to`);
    const rolled = startDeployment(s, newId, target.taskDefinitionArn, now, { of: id, to: target });
    const marked = rolled.deployments.map((d): Deployment =>
      d.id === id
        ? {
            ...d,
            rolloutState: 'FAILED',
            rolloutStateReason: 'Rolled back by request.',
            deploymentStatus: 'ROLLBACK_IN_PROGRESS',
          }
        : d,
    );
    return withEvent(
      { ...rolled, deployments: marked },
      `${label(s)} rolling back to deployment ${target.id} by request.`,
      now,
      ctx.ids.next(),
    );
  });
  if (!updated) throw new NotFoundError('service', 'Service not found.', { service });
  await ctx.reconcile.requestReconcile(cluster, 'StopServiceDeployment');
  return arn;
}
