import type { ContainerInstance } from '../schemas/container-instance.ts';
import type { DnsRecord } from '../schemas/dns-view.ts';
import type { Task } from '../schemas/task.ts';
import { dnsLabel, hostName, serviceName, srvName } from './names.ts';
import { taskAddress, taskEndpoint, type PortChoice } from './task-endpoint.ts';
import { HOST_ADDRESS_ATTRIBUTE } from '../schemas/instance-attributes.ts';

/** What the view needs of a service; `serviceRegistries` names the port its SRV records carry. */
export interface DnsService {
  readonly serviceName: string;
  readonly status: string;
  readonly serviceRegistries?: readonly PortChoice[] | undefined;
}

export interface DnsInput {
  readonly clusterName: string;
  readonly services: readonly DnsService[];
  readonly instances: readonly ContainerInstance[];
  readonly tasks: readonly Task[];
}

/** A service left out of the view, and why. */
export interface RefusedService {
  readonly serviceName: string;
  readonly reason: string;
}

export interface ClusterDnsRecords {
  /** Sorted, so two views of the same cluster compare equal. */
  readonly records: DnsRecord[];
  readonly refused: RefusedService[];
}

/**
 * The records of a cluster's services. A task is served while it runs and is
 * meant to run: lastStatus RUNNING (not DEACTIVATING, a task draining before
 * its stop), desiredStatus RUNNING, and HEALTHY when a health check guards it.
 */
export function clusterDnsRecords(input: DnsInput): ClusterDnsRecords {
  const cluster = dnsLabel(input.clusterName);
  if (cluster === undefined) {
    return {
      records: [],
      refused: input.services
        .filter((s) => s.status !== 'INACTIVE')
        .map((s) => ({
          serviceName: s.serviceName,
          reason: `cluster name ${input.clusterName} is not a DNS label`,
        })),
    };
  }
  const { labelled, refused } = labelServices(input.services.filter((s) => s.status !== 'INACTIVE'));
  const addresses = new Map(input.instances.map((i) => [i.id, hostAddressOf(i)]));
  const records = new Map<string, DnsRecord>();
  const add = (record: DnsRecord) => records.set(JSON.stringify(record), record);
  for (const task of input.tasks) {
    const service = task.group?.startsWith('service:') ? labelled.get(task.group.slice(8)) : undefined;
    if (!service || !serving(task) || task.containerInstanceId === undefined) continue;
    const address = taskAddress(task, addresses.get(task.containerInstanceId));
    if (address === undefined) continue;
    add({ type: 'A', name: serviceName(service.label, cluster), address });
    const endpoint = taskEndpoint(task, address, service.service.serviceRegistries?.[0] ?? {});
    if (!endpoint) continue;
    const target = hostName(endpoint.address, cluster);
    add({ type: 'A', name: target, address: endpoint.address });
    add({ type: 'SRV', name: srvName(service.label, cluster), target, port: endpoint.port });
  }
  return { records: [...records.values()].sort(byContent), refused };
}

export function serving(task: Task): boolean {
  return (
    task.lastStatus === 'RUNNING' &&
    task.desiredStatus === 'RUNNING' &&
    (!task.healthChecked || task.healthStatus === 'HEALTHY')
  );
}

/** Each service's label; a name that is no label, or shares its label with another, gets none. */
function labelServices(services: readonly DnsService[]) {
  const byLabel = new Map<string, DnsService[]>();
  const refused: RefusedService[] = [];
  for (const service of services) {
    const label = dnsLabel(service.serviceName);
    if (label === undefined) {
      refused.push({ serviceName: service.serviceName, reason: `${service.serviceName} is not a valid DNS label` });
      continue;
    }
    byLabel.set(label, [...(byLabel.get(label) ?? []), service]);
  }
  const labelled = new Map<string, { label: string; service: DnsService }>();
  for (const [label, sharing] of byLabel) {
    const [only] = sharing;
    if (sharing.length === 1 && only) {
      labelled.set(only.serviceName, { label, service: only });
      continue;
    }
    const names = sharing.map((s) => s.serviceName).join(', ');
    for (const s of sharing) {
      refused.push({ serviceName: s.serviceName, reason: `services ${names} share the DNS label ${label}` });
    }
  }
  return { labelled, refused: refused.sort((a, b) => (a.serviceName < b.serviceName ? -1 : 1)) };
}

function hostAddressOf(instance: ContainerInstance): string | undefined {
  const value = instance.attributes.find((a) => a.name === HOST_ADDRESS_ATTRIBUTE)?.value;
  return value !== undefined && /^\d{1,3}(\.\d{1,3}){3}$/.test(value) ? value : undefined;
}

function byContent(a: DnsRecord, b: DnsRecord): number {
  const ka = JSON.stringify(a);
  const kb = JSON.stringify(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
