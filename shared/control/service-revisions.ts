import { serviceRevisionRef } from '../domain/service-revision-arn.ts';
import { services } from '../domain/collections.ts';
import { NotFoundError } from '../domain/errors.ts';
import type { Deployment, Service } from '../schemas/service.ts';
import type { TaskDefinition } from '../schemas/task-definition.ts';
import type { ControlContext } from './context.ts';
import { allDeployments } from './service-deployments.ts';
import { findTaskDefinition } from './task-definitions.ts';

export interface ServiceRevision {
  readonly service: Service;
  readonly deployment: Deployment;
  /** Undefined when the revision's task definition has since been deleted. */
  readonly definition: TaskDefinition | undefined;
}

/**
 * DescribeServiceRevisions: each ARN names a deployment's configuration
 * (service-revision-arn.ts). Revisions of services or deployments Berth no
 * longer holds (a deployment's history keeps the last 20) are MISSING.
 */
export async function describeServiceRevisions(
  ctx: ControlContext,
  refs: readonly string[],
): Promise<{ found: ServiceRevision[]; missing: string[] }> {
  const parsed = refs.map((ref) => ({ ref, ...serviceRevisionRef(ctx.deployment, ref) }));
  const found: ServiceRevision[] = [];
  const missing: string[] = [];
  for (const { ref, cluster, service, id } of parsed) {
    const item = await ctx.store.get(services, services.key(cluster, service));
    const deployment = item && allDeployments(item.value).find((d) => d.id === id);
    if (!item || !deployment) {
      missing.push(ref);
      continue;
    }
    found.push({ service: item.value, deployment, definition: await definitionOf(ctx, deployment) });
  }
  return { found, missing };
}

async function definitionOf(ctx: ControlContext, deployment: Deployment): Promise<TaskDefinition | undefined> {
  try {
    return (await findTaskDefinition(ctx, deployment.taskDefinitionArn)).value;
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}
