/**
 * The console's pages live in the URL's hash, so every view has an address
 * to bookmark or share, and the server serves one page for all of them.
 */
export type Route =
  | { readonly page: 'clusters' }
  | { readonly page: 'cluster'; readonly cluster: string; readonly tab: 'services' | 'tasks' | 'instances' }
  | { readonly page: 'service'; readonly cluster: string; readonly service: string }
  | { readonly page: 'task'; readonly cluster: string; readonly task: string }
  | { readonly page: 'instance'; readonly cluster: string; readonly instance: string };

export function parseRoute(hash: string): Route {
  const parts = hash
    .replace(/^#\/?/, '')
    .split('/')
    .filter((part) => part !== '')
    .map(decodeURIComponent);
  const [first, cluster, kind, name] = parts;
  if (first !== 'clusters' || cluster === undefined) return { page: 'clusters' };
  if (kind === 'services' && name !== undefined) return { page: 'service', cluster, service: name };
  if (kind === 'tasks' && name !== undefined) return { page: 'task', cluster, task: name };
  if (kind === 'instances' && name !== undefined) return { page: 'instance', cluster, instance: name };
  if (kind === 'tasks' || kind === 'instances') return { page: 'cluster', cluster, tab: kind };
  return { page: 'cluster', cluster, tab: 'services' };
}

const seg = encodeURIComponent;

export const href = {
  clusters: () => '#/',
  cluster: (cluster: string, tab: 'services' | 'tasks' | 'instances' = 'services') =>
    tab === 'services' ? `#/clusters/${seg(cluster)}` : `#/clusters/${seg(cluster)}/${tab}`,
  service: (cluster: string, service: string) => `#/clusters/${seg(cluster)}/services/${seg(service)}`,
  task: (cluster: string, task: string) => `#/clusters/${seg(cluster)}/tasks/${seg(task)}`,
  instance: (cluster: string, instance: string) => `#/clusters/${seg(cluster)}/instances/${seg(instance)}`,
};

/** The page one level up, for the keyboard's `u`. */
export function parentOf(route: Route): string {
  switch (route.page) {
    case 'clusters':
      return href.clusters();
    case 'cluster':
      return href.clusters();
    case 'service':
      return href.cluster(route.cluster);
    case 'task':
      return href.cluster(route.cluster, 'tasks');
    case 'instance':
      return href.cluster(route.cluster, 'instances');
  }
}
