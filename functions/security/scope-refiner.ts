import { arns, type Deployment } from '#shared/domain/arn.ts';
import { InvalidParameterError, NotFoundError } from '#shared/domain/errors.ts';
import { findTaskDefinition } from '#shared/control/task-definitions.ts';
import type { Store } from '#shared/ports/store.ts';
import type { TaskDefinition } from '#shared/schemas/task-definition.ts';
import { Fields, type RequestScope, type ScopedResource } from '#shared/security/scope/scope.ts';
import { secretsNamedBy, secretUseScope } from '#shared/security/scope/secret-use.ts';

/**
 * What a request needs beyond its own scope, read from the table: the
 * revision a run or deployment would use (so a policy on `family:3` sees a
 * run of `family`), and `berth:UseSecret` on every secret the task
 * definition names (registered, run, or deployed to a service).
 */
export type ScopeRefiner = (scope: RequestScope, input: unknown) => Promise<readonly RequestScope[]>;

const RUNS_A_DEFINITION = new Set([
  'ecs:RunTask',
  'ecs:StartTask',
  'ecs:CreateService',
  'ecs:UpdateService',
  'ecs:CreateTaskSet',
]);

export function storeScopeRefiner(deps: { store: Store; deployment: Deployment }): ScopeRefiner {
  const d = deps.deployment;
  return async (scope, input) => {
    if (scope.action === 'ecs:RegisterTaskDefinition') return withUse(scope, secretsNamedBy(input), {});
    const ref = new Fields(input).string('taskDefinition');
    if (!RUNS_A_DEFINITION.has(scope.action) || ref === undefined) return [scope];
    const definition = await existing(ref);
    // A definition that does not exist runs nothing: the operation answers for it.
    if (!definition) return [scope];
    const arn = arns.taskDefinition(d, definition.family, definition.revision);
    const resources = scope.resources.map((r) =>
      isDefinition(r)
        ? {
            ...r,
            arn,
            tags: { kind: 'task-definition' as const, family: definition.family, revision: definition.revision },
          }
        : r,
    );
    const keys = { ...(scope.resources[0]?.keys ?? {}), 'ecs:task-definition': [arn] };
    return withUse(
      { ...scope, resources, keys: { ...scope.keys, 'ecs:task-definition': [arn] } },
      secretsNamedBy(definition),
      keys,
    );
  };

  async function existing(ref: string): Promise<TaskDefinition | undefined> {
    try {
      return (await findTaskDefinition(deps, ref)).value;
    } catch (error) {
      // Absent or unreadable: the resource stays as the request gave it, and the operation refuses it.
      if (error instanceof NotFoundError || error instanceof InvalidParameterError) return undefined;
      throw error;
    }
  }

  function withUse(
    scope: RequestScope,
    valueFroms: readonly string[],
    keys: Record<string, readonly string[]>,
  ): RequestScope[] {
    const use = secretUseScope(d, valueFroms, keys);
    return use ? [scope, use] : [scope];
  }
}

function isDefinition(resource: ScopedResource): boolean {
  return resource.tags?.kind === 'task-definition';
}
