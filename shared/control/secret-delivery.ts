import { AgentError } from '../domain/errors.ts';
import { requireAssignedTask } from './assigned-task.ts';
import { requireActiveCluster } from './clusters.ts';
import type { ControlContext } from './context.ts';
import { findTaskDefinition } from './task-definitions.ts';
import type { TaskDefinition } from '../schemas/task-definition.ts';
import type { SecretSource, TaskSecretsResponse } from '../security/secret-api.ts';
import { berthSecretNames, BERTH_SECRET_PREFIX } from '../security/secret-reference.ts';

/**
 * The values of Berth-stored secrets one task needs, for the instance it is
 * assigned to and nobody else: an instance that asks for another instance's
 * task, or for a task no longer assigned to it, is refused. Only the secrets
 * the task's definition names are read.
 */
export async function taskSecrets(
  ctx: ControlContext,
  source: SecretSource,
  clusterRef: string,
  instanceId: string,
  taskId: string,
): Promise<TaskSecretsResponse> {
  const cluster = (await requireActiveCluster(ctx, clusterRef)).value.clusterName;
  const task = await requireAssignedTask(ctx, cluster, instanceId, taskId);
  const definition = (await findTaskDefinition(ctx, task.value.taskDefinitionArn)).value;
  const names = berthSecretNames(secretReferences(definition));
  const { values, refused } =
    names.length > 0 ? await source.reveal(names, cluster) : { values: new Map<string, string>(), refused: [] };
  if (refused.length > 0) {
    throw new AgentError(
      403,
      'SecretNotAllowed',
      `Secrets ${refused.join(', ')} may not be used by tasks in cluster ${cluster}`,
    );
  }
  const answer: TaskSecretsResponse = { secrets: [], missing: [] };
  for (const name of names) {
    const value = values.get(name);
    if (value === undefined) answer.missing.push(`${BERTH_SECRET_PREFIX}${name}`);
    else answer.secrets.push({ valueFrom: `${BERTH_SECRET_PREFIX}${name}`, value });
  }
  return answer;
}

/** Every `valueFrom` of a task definition: container secrets and registry credentials. */
export function secretReferences(definition: Pick<TaskDefinition, 'containerDefinitions'>): string[] {
  return definition.containerDefinitions.flatMap((c) => [
    ...(c.secrets ?? []).map((s) => s.valueFrom),
    ...(c.repositoryCredentials ? [c.repositoryCredentials.credentialsParameter] : []),
  ]);
}
