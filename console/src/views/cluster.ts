import { html } from '../html.ts';
import { usePolled } from '../poll.ts';
import { services } from '../queries.ts';
import { href } from '../route.ts';
import { Empty, Loaded, Status } from '../ui.ts';
import { shortName, type Service } from '../ecs.ts';
import { InstancesTable } from './instances.ts';
import { TasksTable } from './tasks.ts';

type Tab = 'services' | 'tasks' | 'instances';

/** One cluster: its services, tasks or container instances, one tab each. */
export function ClusterView({ cluster, tab }: { cluster: string; tab: Tab }) {
  const tabs: Tab[] = ['services', 'tasks', 'instances'];
  return html`<h1><span class="kind">Cluster</span> ${cluster}</h1>
    <nav class="tabs">
      ${tabs.map(
        (name) => html`<a class=${name === tab ? 'active' : ''} href=${href.cluster(cluster, name)}>${name}</a>`,
      )}
    </nav>
    ${tab === 'services' && html`<${ServicesTable} cluster=${cluster} />`}
    ${tab === 'tasks' && html`<${TasksTable} cluster=${cluster} />`}
    ${tab === 'instances' && html`<${InstancesTable} cluster=${cluster} />`}`;
}

function ServicesTable({ cluster }: { cluster: string }) {
  const polled = usePolled(`services:${cluster}`, (api) => services(api, cluster));
  return html`<${Loaded} polled=${polled}
    >${(list: Service[]) =>
      list.length === 0
        ? html`<${Empty}>No services in ${cluster}. Create one with <code>aws ecs create-service</code>.<//>`
        : html`<table class="grid">
            <thead>
              <tr>
                <th>Service</th>
                <th>Status</th>
                <th class="n">Desired</th>
                <th class="n">Running</th>
                <th class="n">Pending</th>
                <th>Rollout</th>
                <th>Task definition</th>
              </tr>
            </thead>
            <tbody>
              ${list.map((service) => {
                const link = href.service(cluster, service.serviceName ?? '');
                const primary = service.deployments?.find((d) => d.status === 'PRIMARY');
                return html`<tr data-href=${link}>
                  <td><a href=${link}>${service.serviceName}</a></td>
                  <td><${Status} value=${service.status} /></td>
                  <td class="n">${service.desiredCount ?? 0}</td>
                  <td class="n">${service.runningCount ?? 0}</td>
                  <td class="n">${service.pendingCount ?? 0}</td>
                  <td>
                    <${Status} value=${primary?.rolloutState} />
                    ${(service.deployments?.length ?? 0) > 1 && html` <span class="dim">${service.deployments?.length} deployments</span>`}
                  </td>
                  <td class="mono">${shortName(service.taskDefinition)}</td>
                </tr>`;
              })}
            </tbody>
          </table>`}<//
  >`;
}
