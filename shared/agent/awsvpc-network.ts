import type { NetworkSpec } from '../ports/container-runtime.ts';
import type { TaskSpec } from '../schemas/agent-api.ts';
import type { ContainerDefinition } from '../schemas/task-definition.ts';
import { runtimeContainerName } from './labels.ts';
import { namespaceHolder } from './task-namespaces.ts';

/** The one bridge network of a host on which each awsvpc task gets its own address. */
export const AWSVPC_NETWORK = 'berth-awsvpc';

/** The subnet of that network unless the agent is given another (`--awsvpc-subnet`). */
export const DEFAULT_AWSVPC_SUBNET = '10.213.0.0/16';

/** Marks the network as Berth's awsvpc network, and keeps it out of any one agent's task-network sweep. */
export const AWSVPC_NETWORK_LABEL = 'com.berth.network';

/**
 * The awsvpc network, shared by every agent on the host: it carries no
 * cluster or instance label, so no agent's sweep of its own task networks
 * ever lists it, and it outlives the tasks on it.
 */
export function awsvpcNetwork(subnet: string = DEFAULT_AWSVPC_SUBNET): NetworkSpec {
  return { name: AWSVPC_NETWORK, labels: { [AWSVPC_NETWORK_LABEL]: 'awsvpc' }, subnet };
}

/**
 * How one container of an awsvpc task joins the network: the task's
 * namespace holder is on the awsvpc network with the task's address; every
 * other container joins the holder's namespace, so the task's containers
 * share `localhost` and one address, as in ECS.
 */
export type AwsvpcPlace = { readonly kind: 'holder' } | { readonly kind: 'joins'; readonly runtimeName: string };

export function awsvpcPlace(spec: TaskSpec, definition: ContainerDefinition): AwsvpcPlace | undefined {
  if (spec.networkMode !== 'awsvpc') return undefined;
  const holder = namespaceHolder(spec);
  if (holder === undefined || holder === definition.name) return { kind: 'holder' };
  return { kind: 'joins', runtimeName: runtimeContainerName(spec.taskId, holder) };
}

/**
 * The DNS settings of the task's shared namespace: the engine takes them
 * from the holder alone (a joining container shares its resolv.conf), so
 * the holder carries every container's, in the task definition's order.
 */
export function taskDnsSettings(spec: TaskSpec): { dnsServers: string[]; dnsSearchDomains: string[] } {
  const servers = new Set<string>();
  const domains = new Set<string>();
  for (const c of spec.containerDefinitions) {
    for (const s of c.dnsServers ?? []) servers.add(s);
    for (const d of c.dnsSearchDomains ?? []) domains.add(d);
  }
  return { dnsServers: [...servers], dnsSearchDomains: [...domains] };
}
