import { html } from '../html.ts';
import { usePolled } from '../poll.ts';
import { task } from '../queries.ts';
import { href } from '../route.ts';
import { Facts, Loaded, Section, Status } from '../ui.ts';
import { reservedCpu, shortName, startedText, when, type Task } from '../ecs.ts';
import { ContainerLogsView } from './logs.ts';
import { PlacementView } from './placement.ts';

/** One task: its state, why it stopped, its containers and their exit codes, logs, and placement if pending. */
export function TaskView({ cluster, id }: { cluster: string; id: string }) {
  const polled = usePolled(`task:${cluster}:${id}`, (api) => task(api, cluster, id));
  return html`<h1><span class="kind">Task</span> <span class="mono">${id}</span></h1>
    <${Loaded} polled=${polled}
      >${(found: Task) => html`
        <${Facts}
          rows=${[
            ['Last status', html`<${Status} value=${found.lastStatus} />`],
            ['Desired status', html`<${Status} value=${found.desiredStatus} />`],
            ['Health', html`<${Status} value=${found.healthStatus} />`],
            ['Task definition', shortName(found.taskDefinitionArn)],
            ['Group', found.group],
            [
              'Instance',
              found.containerInstanceArn
                ? html`<a href=${href.instance(cluster, shortName(found.containerInstanceArn))}
                    >${shortName(found.containerInstanceArn)}</a
                  >`
                : '—',
            ],
            ['CPU / memory', `${reservedCpu(found) ?? '—'} / ${found.memory ?? '—'}`],
            ['Created', when(found.createdAt)],
            ['Started', startedText(found)],
            ['Stopped', when(found.stoppedAt)],
            ['Stop code', found.stopCode],
            ['Stopped reason', found.stoppedReason],
          ]}
        />
        ${
          (found.lastStatus === 'PROVISIONING' || found.lastStatus === 'PENDING') &&
          found.desiredStatus !== 'STOPPED' &&
          html`<${Section} title="Placement"><${PlacementView} cluster=${cluster} task=${found} /><//>`
        }
        <${Section} title="Containers">
          <table class="grid">
            <thead>
              <tr>
                <th>Container</th>
                <th>Image</th>
                <th>Last status</th>
                <th>Health</th>
                <th class="n">Exit code</th>
                <th>Reason</th>
              </tr>
            </thead>
            <tbody>
              ${(found.containers ?? []).map(
                (c) =>
                  html`<tr>
                    <td>${c.name}</td>
                    <td class="mono">${c.image}</td>
                    <td><${Status} value=${c.lastStatus} /></td>
                    <td><${Status} value=${c.healthStatus} /></td>
                    <td class="n exit ${c.exitCode !== undefined && c.exitCode !== 0 ? 'bad' : ''}">
                      ${c.exitCode ?? '—'}
                    </td>
                    <td class="reason">${c.reason ?? ''}</td>
                  </tr>`,
              )}
            </tbody>
          </table>
        <//>
        ${(found.containers ?? []).map(
          (c) =>
            html`<${Section} title=${`Logs: ${c.name ?? ''}`}
              ><${ContainerLogsView} task=${found} container=${c.name ?? ''}
            /><//>`,
        )}
      `}<//
    >`;
}
