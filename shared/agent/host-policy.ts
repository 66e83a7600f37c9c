import type { TaskSpec } from '../schemas/agent-api.ts';
import type { ContainerDefinition } from '../schemas/task-definition.ts';

/**
 * What this agent will not run, and says so instead of running something
 * else. Privilege, added capabilities and devices wait for the cluster
 * policy that may allow them; volumes, secrets and links are not built yet.
 * A container definition that asks for any of these fails to start with the
 * reason, rather than starting without what it asked for.
 */
export function refusal(spec: TaskSpec, definition: ContainerDefinition): string | undefined {
  const asks: string[] = [];
  if (definition.privileged) asks.push('privileged mode');
  if (definition.linuxParameters?.capabilities?.add?.length) asks.push('added Linux capabilities');
  if (definition.linuxParameters?.devices?.length) asks.push('host devices');
  if (definition.mountPoints?.length) asks.push('mount points (volumes are not supported yet)');
  if (definition.secrets?.length) asks.push('secrets (not supported yet)');
  if (definition.links?.length) asks.push('links (not supported; use bridge networking and ports)');
  if (spec.networkMode === 'awsvpc') asks.push('awsvpc network mode');
  return asks.length > 0
    ? `container '${definition.name}' asks for ${asks.join(', ')}, which this host does not allow`
    : undefined;
}
