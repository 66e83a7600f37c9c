import { html } from '../html.ts';
import { usePolled } from '../poll.ts';
import { instances } from '../queries.ts';
import { href } from '../route.ts';
import { Empty, Facts, Loaded, Section, Status, Usage, resource } from '../ui.ts';
import { shortName, when, type ContainerInstance } from '../ecs.ts';
import { TasksOnInstance } from './instance-tasks.ts';

/** A cluster's container instances: what each has registered and what is still free. */
export function InstancesTable({ cluster }: { cluster: string }) {
  const polled = usePolled(`instances:${cluster}`, (api) => instances(api, cluster));
  return html`<${Loaded} polled=${polled}
    >${(list: ContainerInstance[]) =>
      list.length === 0
        ? html`<${Empty}
            >No container instances in ${cluster}. Start an agent with a registration token from
            <code>berth agents token</code>.<//
          >`
        : html`<table class="grid">
            <thead>
              <tr>
                <th>Instance</th>
                <th>EC2 id</th>
                <th>Status</th>
                <th>Agent</th>
                <th class="n">Running</th>
                <th class="n">Pending</th>
                <th>CPU reserved</th>
                <th>Memory reserved</th>
              </tr>
            </thead>
            <tbody>
              ${list.map((instance) => {
                const id = shortName(instance.containerInstanceArn);
                const link = href.instance(cluster, id);
                return html`<tr data-href=${link}>
                  <td class="mono"><a href=${link}>${id}</a></td>
                  <td class="mono">${instance.ec2InstanceId ?? '—'}</td>
                  <td><${Status} value=${instance.status} /></td>
                  <td><${Status} value=${instance.agentConnected ? 'CONNECTED' : 'DISCONNECTED'} /></td>
                  <td class="n">${instance.runningTasksCount ?? 0}</td>
                  <td class="n">${instance.pendingTasksCount ?? 0}</td>
                  <td>${usage(instance, 'CPU', 'units')}</td>
                  <td>${usage(instance, 'MEMORY', 'MiB')}</td>
                </tr>`;
              })}
            </tbody>
          </table>`}<//
  >`;
}

function usage(instance: ContainerInstance, name: string, unit: string) {
  return html`<${Usage}
    registered=${resource(instance.registeredResources, name)}
    remaining=${resource(instance.remainingResources, name)}
    unit=${unit}
  />`;
}

/** One container instance: its reservations, attributes and tasks. */
export function InstanceView({ cluster, id }: { cluster: string; id: string }) {
  const polled = usePolled(`instances:${cluster}`, (api) => instances(api, cluster));
  return html`<h1><span class="kind">Container instance</span> ${id}</h1>
    <${Loaded} polled=${polled}
      >${(list: ContainerInstance[]) => {
        const instance = list.find((candidate) => shortName(candidate.containerInstanceArn) === id);
        if (!instance) return html`<${Empty}>Container instance ${id} is not registered in ${cluster}.<//>`;
        const ports = instance.remainingResources?.find((r) => r.name === 'PORTS')?.stringSetValue ?? [];
        return html`
          <${Facts}
            rows=${[
              ['Status', html`<${Status} value=${instance.status} />`],
              ['Agent', html`<${Status} value=${instance.agentConnected ? 'CONNECTED' : 'DISCONNECTED'} />`],
              ['EC2 instance', instance.ec2InstanceId],
              ['Agent version', instance.versionInfo?.agentVersion],
              ['Docker version', instance.versionInfo?.dockerVersion],
              ['Registered', when(instance.registeredAt)],
              ['CPU reserved', usage(instance, 'CPU', 'units')],
              ['Memory reserved', usage(instance, 'MEMORY', 'MiB')],
              ['Ports in use', ports.length === 0 ? 'none' : ports.join(', ')],
            ]}
          />
          <${Section} title="Attributes">
            <table class="grid compact">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Value</th>
                </tr>
              </thead>
              <tbody>
                ${(instance.attributes ?? []).map(
                  (a) =>
                    html`<tr>
                      <td class="mono">${a.name}</td>
                      <td class="mono">${a.value ?? ''}</td>
                    </tr>`,
                )}
              </tbody>
            </table>
          <//>
          <${Section} title="Tasks"
            ><${TasksOnInstance} cluster=${cluster} arn=${instance.containerInstanceArn ?? ''}
          /><//>
        `;
      }}<//
    >`;
}
