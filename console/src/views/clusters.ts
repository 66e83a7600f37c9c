import { html } from '../html.ts';
import { usePolled } from '../poll.ts';
import { clusters } from '../queries.ts';
import { href } from '../route.ts';
import { Empty, Loaded, Status } from '../ui.ts';
import type { Cluster } from '../ecs.ts';

/** Every cluster with its counts: the console's home. */
export function ClustersView() {
  const polled = usePolled('clusters', clusters);
  return html`<h1>Clusters</h1>
    <${Loaded} polled=${polled}
      >${(list: Cluster[]) =>
        list.length === 0
          ? html`<${Empty}
              >No clusters yet. Create one with <code>aws ecs create-cluster --cluster-name default</code>.<//
            >`
          : html`<table class="grid">
              <thead>
                <tr>
                  <th>Cluster</th>
                  <th>Status</th>
                  <th class="n">Services</th>
                  <th class="n">Running</th>
                  <th class="n">Pending</th>
                  <th class="n">Instances</th>
                </tr>
              </thead>
              <tbody>
                ${list.map(
                  (cluster) =>
                    html`<tr data-href=${href.cluster(cluster.clusterName ?? '')}>
                      <td><a href=${href.cluster(cluster.clusterName ?? '')}>${cluster.clusterName}</a></td>
                      <td><${Status} value=${cluster.status} /></td>
                      <td class="n">${cluster.activeServicesCount ?? 0}</td>
                      <td class="n">${cluster.runningTasksCount ?? 0}</td>
                      <td class="n">${cluster.pendingTasksCount ?? 0}</td>
                      <td class="n">
                        <a href=${href.cluster(cluster.clusterName ?? '', 'instances')}
                          >${cluster.registeredContainerInstancesCount ?? 0}</a
                        >
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>`}<//
    >`;
}
