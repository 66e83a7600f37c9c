import { html } from '../html.ts';
import { usePolled } from '../poll.ts';
import { service } from '../queries.ts';
import { Empty, Facts, Loaded, Section, Status } from '../ui.ts';
import { ago, shortName, when, type Service } from '../ecs.ts';
import { TasksTable } from './tasks.ts';

/** One service: counts, its deployments and their rollout, its tasks, its latest events. */
export function ServiceView({ cluster, name }: { cluster: string; name: string }) {
  const polled = usePolled(`service:${cluster}:${name}`, (api) => service(api, cluster, name));
  return html`<h1><span class="kind">Service</span> ${name}</h1>
    <${Loaded} polled=${polled}
      >${(found: Service) => html`
        <${Facts}
          rows=${[
            ['Status', html`<${Status} value=${found.status} />`],
            ['Desired', String(found.desiredCount ?? 0)],
            ['Running', String(found.runningCount ?? 0)],
            ['Pending', String(found.pendingCount ?? 0)],
            ['Task definition', shortName(found.taskDefinition)],
            ['Scheduling', found.schedulingStrategy],
            ['Launch type', found.launchType],
            ['Created', when(found.createdAt)],
          ]}
        />
        <${Section} title="Deployments">
          <table class="grid">
            <thead>
              <tr>
                <th>Deployment</th>
                <th>Status</th>
                <th>Rollout</th>
                <th>Task definition</th>
                <th class="n">Desired</th>
                <th class="n">Running</th>
                <th class="n">Pending</th>
                <th class="n">Failed</th>
                <th>Updated</th>
              </tr>
            </thead>
            <tbody>
              ${(found.deployments ?? []).map(
                (d) =>
                  html`<tr>
                    <td class="mono">${d.id}</td>
                    <td><${Status} value=${d.status} /></td>
                    <td>
                      <${Status} value=${d.rolloutState} />
                      ${d.rolloutStateReason && html`<div class="reason">${d.rolloutStateReason}</div>`}
                    </td>
                    <td class="mono">${shortName(d.taskDefinition)}</td>
                    <td class="n">${d.desiredCount ?? 0}</td>
                    <td class="n">${d.runningCount ?? 0}</td>
                    <td class="n">${d.pendingCount ?? 0}</td>
                    <td class="n">${d.failedTasks ?? 0}</td>
                    <td>${ago(d.updatedAt)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>
        <//>
        <${Section} title="Tasks"><${TasksTable} cluster=${cluster} serviceName=${name} /><//>
        <${Section} title="Events">
          ${
            (found.events ?? []).length === 0
              ? html`<${Empty}>No events yet.<//>`
              : html`<ol class="events">
                  ${(found.events ?? [])
                    .slice(0, 50)
                    .map(
                      (event) =>
                        html`<li>
                          <time title=${when(event.createdAt)}>${ago(event.createdAt)}</time> ${event.message}
                        </li>`,
                    )}
                </ol>`
          }
        <//>
      `}<//
    >`;
}
