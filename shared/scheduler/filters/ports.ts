import type { Demand } from '#shared/domain/resources.ts';
import type { CandidateInstance } from '../fleet.ts';
import { PASS, reject, type Filter, type FilterResult } from '../types.ts';

/**
 * The first static host port the task needs that the instance has in use,
 * TCP and UDP apart (one number may be bound once per protocol).
 * `usedPorts` already holds the ports the host itself reserves.
 */
export function portInUse(
  instance: CandidateInstance,
  demand: Demand,
): { port: number; protocol: 'TCP' | 'UDP' } | undefined {
  for (const port of demand.ports) if (instance.usedPorts.has(port)) return { port, protocol: 'TCP' };
  for (const port of demand.portsUdp) if (instance.usedPortsUdp.has(port)) return { port, protocol: 'UDP' };
  return undefined;
}

export function portsFilter(demand: Demand): Filter {
  if (demand.ports.length === 0 && demand.portsUdp.length === 0) return () => PASS;
  return (instance: CandidateInstance): FilterResult => {
    const taken = portInUse(instance, demand);
    return taken === undefined
      ? PASS
      : reject('RESOURCE:PORTS', `${instance.id} has ${taken.protocol} port ${taken.port} in use`);
  };
}
