/**
 * The container-instance attribute of an agent that serves the cluster's DNS
 * view (`--dns-address`). While one does, a service task leaving the view is
 * held DEACTIVATING for a while before its containers are stopped, so that
 * resolvers and proxies forget it first (shared/control/reconcile/reconcile-dns-drain.ts).
 */
export const DNS_VIEW_ATTRIBUTE = 'berth.dns-view';
