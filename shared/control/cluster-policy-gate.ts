import type { ControlContext } from './context.ts';
import { findTaskDefinition } from './task-definitions.ts';
import { ClientError } from '../domain/errors.ts';
import type { Store } from '../ports/store.ts';
import type { TaskDefinition } from '../schemas/task-definition.ts';
import { clusterPolicies, DEFAULT_CLUSTER_POLICY, type ClusterPolicy } from '../security/cluster-policy.ts';
import { checkTaskDefinition, describeViolations, type Violation } from '../security/cluster-policy-check.ts';

/** The cluster's policy, or the secure default when none was set. */
export async function clusterPolicyOf(store: Store, clusterName: string): Promise<ClusterPolicy> {
  const found = await store.get(clusterPolicies, clusterPolicies.key(clusterName));
  return found?.value.policy ?? DEFAULT_CLUSTER_POLICY;
}

/** A task definition asks for more than its cluster allows: ECS's ClientException, with every reason. */
export class ClusterPolicyViolationError extends ClientError {
  readonly violations: readonly Violation[];
  constructor(clusterName: string, definition: TaskDefinition, violations: readonly Violation[]) {
    super(describeViolations(violations), {
      cluster: clusterName,
      taskDefinition: `${definition.family}:${definition.revision}`,
    });
    this.violations = violations;
  }
}

/**
 * Refuses a task definition that asks for more than the cluster's policy
 * allows. Called before anything is written or placed, so a refused
 * RunTask or CreateService leaves no trace but its audit record.
 */
export async function assertClusterAllows(
  ctx: ControlContext,
  clusterName: string,
  definition: TaskDefinition,
): Promise<void> {
  const violations = checkTaskDefinition(definition, await clusterPolicyOf(ctx.store, clusterName), clusterName);
  if (violations.length > 0) throw new ClusterPolicyViolationError(clusterName, definition, violations);
}

/** The same for a task definition named by ARN or `family:revision` (services hold references). */
export async function assertClusterAllowsRef(ctx: ControlContext, clusterName: string, ref: string): Promise<void> {
  await assertClusterAllows(ctx, clusterName, (await findTaskDefinition(ctx, ref)).value);
}
