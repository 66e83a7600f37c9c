import type { TaskSpec } from '../schemas/agent-api.ts';
import type { ContainerDefinition } from '../schemas/task-definition.ts';
import { LABELS } from './labels.ts';

/**
 * The network a bridge-mode task's containers share: a user-defined Docker
 * network of the task's own. On it the engine's embedded DNS answers for
 * each container's ECS name and for the aliases its task's `links` give it,
 * and for nothing in any other task, which has a network of its own.
 */
export interface TaskNetwork {
  readonly name: string;
  /** The agent's fence: it lists, and so removes, only networks carrying its cluster and instance. */
  readonly labels: Readonly<Record<string, string>>;
}

/** One container's place on its task's network. */
export interface TaskNetworkEndpoint {
  readonly network: string;
  /** The names the other containers of the task reach it by. */
  readonly aliases: readonly string[];
}

/** Deterministic, so a create retried after a crash finds the network made the first time. */
export function taskNetworkName(taskId: string): string {
  return `berth-task-${taskId}`.replace(/[^a-zA-Z0-9_.-]/g, '-');
}

/**
 * Only a bridge task with two or more networked containers gets a network
 * of its own; a single container stays on the engine's default bridge, as
 * in ECS. Docker carves every user-defined network from its address pools,
 * which by default hold about 30 networks, so a network per task would cap a
 * host at 30 tasks (docs/networking.md says how to widen the pools).
 */
export function sharesTaskNetwork(spec: TaskSpec): boolean {
  return spec.networkMode === 'bridge' && spec.containerDefinitions.filter((c) => !c.disableNetworking).length > 1;
}

/** The task's own network, or undefined when it gets none (one container; host, none, awsvpc). */
export function taskNetwork(spec: TaskSpec, instanceId: string): TaskNetwork | undefined {
  if (!sharesTaskNetwork(spec)) return undefined;
  return {
    name: taskNetworkName(spec.taskId),
    labels: {
      [LABELS.cluster]: spec.clusterName,
      [LABELS.instanceId]: instanceId,
      [LABELS.taskId]: spec.taskId,
    },
  };
}

/** `db:database` links `db` as `database`; a bare `db` links it by its own name. */
export function parseLink(link: string): { container: string; alias: string } {
  const [container = '', alias] = link.split(':');
  return { container, alias: alias && alias.length > 0 ? alias : container };
}

/**
 * Where one container joins its task's network. A link is a name the
 * linking container uses for its target, so the alias goes on the target's
 * endpoint; on a shared network every container of the task sees it.
 */
export function taskNetworkEndpoint(spec: TaskSpec, definition: ContainerDefinition): TaskNetworkEndpoint | undefined {
  if (!sharesTaskNetwork(spec) || definition.disableNetworking) return undefined;
  const aliases = new Set([definition.name]);
  for (const other of spec.containerDefinitions) {
    for (const link of other.links ?? []) {
      const { container, alias } = parseLink(link);
      if (container === definition.name) aliases.add(alias);
    }
  }
  return { network: taskNetworkName(spec.taskId), aliases: [...aliases] };
}

/** The labels that select one agent's task networks. */
export function networkSelector(clusterName: string, instanceId: string): Record<string, string> {
  return { [LABELS.cluster]: clusterName, [LABELS.instanceId]: instanceId };
}
