import { LABELS } from '#shared/agent/labels.ts';
import type { ContainerRuntime } from '#shared/ports/container-runtime.ts';
import type { AgentLogger } from '../log.ts';

/**
 * Removes task networks this agent made whose task it no longer runs: the
 * agent died between a task's last container going and its network going,
 * or the task was forgotten. A network that still has containers on it is
 * refused by the engine and simply tried again on the next sweep.
 */
export async function removeOrphanNetworks(
  runtime: ContainerRuntime,
  selector: Readonly<Record<string, string>>,
  liveTaskIds: ReadonlySet<string>,
  logger: AgentLogger,
): Promise<void> {
  const listed = await runtime.listNetworks(selector);
  if (!listed.ok) return;
  for (const network of listed.value) {
    const taskId = network.labels[LABELS.taskId];
    if (taskId !== undefined && liveTaskIds.has(taskId)) continue;
    const removed = await runtime.removeNetwork(network.name);
    if (removed.ok) logger.info('Removed the network of a task this agent no longer runs', { network: network.name });
  }
}
