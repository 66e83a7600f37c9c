import type { ContainerInstance } from './container-instance.ts';

/**
 * The container-instance attributes agents report and the control plane reads, in one zod-free module the agent
 * bundle can take. `berth.host.address`: the address other hosts and load balancers reach the host at
 * (docs/networking.md).
 */
export const HOST_ADDRESS_ATTRIBUTE = 'berth.host.address';

/**
 * The container-instance attribute of an agent that serves the cluster's DNS
 * view (`--dns-address`). While one does, the view's names are in use: a
 * service task joins the view some seconds before a deployment counts it,
 * and leaves it some seconds before its containers stop
 * (shared/control/reconcile/reconcile-dns-drain.ts).
 */
export const DNS_VIEW_ATTRIBUTE = 'berth.dns-view';

/** Whether an agent of the cluster serves its DNS view. */
export function servesDnsView(instances: readonly ContainerInstance[]): boolean {
  return instances.some(
    (i) => i.status !== 'INACTIVE' && i.attributes.some((a) => a.name === DNS_VIEW_ATTRIBUTE && a.value === 'true'),
  );
}

/** Whether a service's tasks take the DNS view's drain and warm-up: not those with load balancers or registries. */
export function drainsThroughDnsView(service: {
  readonly loadBalancers: readonly unknown[];
  readonly serviceRegistries?: readonly unknown[] | undefined;
}): boolean {
  return service.loadBalancers.length === 0 && (service.serviceRegistries ?? []).length === 0;
}
