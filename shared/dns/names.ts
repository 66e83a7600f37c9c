/**
 * The names of the DNS view. Every name lives under `<cluster>.berth`:
 *
 *   <service>.<cluster>.berth               A    the host addresses of its serving tasks
 *   _<service>._tcp.<cluster>.berth         SRV  one per task: its port on a host name
 *   <a-b-c-d>.hosts.<cluster>.berth         A    a host, named by its address
 *
 * DNS compares names without regard to case, so names are lowercased; a name
 * that is not a valid label (RFC 1123: letters, digits and inner hyphens, at
 * most 63) has no records.
 */
export const DNS_ZONE = 'berth';

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** The label a name maps to, or undefined when it cannot be one. */
export function dnsLabel(name: string): string | undefined {
  const label = name.toLowerCase();
  return LABEL.test(label) ? label : undefined;
}

export function clusterDomain(clusterLabel: string): string {
  return `${clusterLabel}.${DNS_ZONE}`;
}

export function serviceName(serviceLabel: string, clusterLabel: string): string {
  return `${serviceLabel}.${clusterDomain(clusterLabel)}`;
}

export function srvName(serviceLabel: string, clusterLabel: string): string {
  return `_${serviceLabel}._tcp.${clusterDomain(clusterLabel)}`;
}

/** A host's own name, from its IPv4 address (always a valid label). */
export function hostName(address: string, clusterLabel: string): string {
  return `${address.replaceAll('.', '-')}.hosts.${clusterDomain(clusterLabel)}`;
}
