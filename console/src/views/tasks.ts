import { html } from '../html.ts';
import { usePolled } from '../poll.ts';
import { tasks } from '../queries.ts';
import { href } from '../route.ts';
import { Empty, Loaded, Status } from '../ui.ts';
import { ago, shortName, type Task } from '../ecs.ts';

/** A cluster's tasks, or one service's: running first by recency, stopped ones after ECS keeps them. */
export function TasksTable({ cluster, serviceName }: { cluster: string; serviceName?: string }) {
  const polled = usePolled(`tasks:${cluster}:${serviceName ?? ''}`, (api) =>
    tasks(api, cluster, serviceName === undefined ? {} : { serviceName }),
  );
  return html`<${Loaded} polled=${polled}
    >${(list: Task[]) =>
      list.length === 0
        ? html`<${Empty}>No tasks${serviceName === undefined ? '' : ` for ${serviceName}`}.<//>`
        : html`<table class="grid tasks">
            <thead>
              <tr>
                <th>Task</th>
                <th>Last status</th>
                <th>Desired</th>
                <th>Health</th>
                <th>Task definition</th>
                <th>Instance</th>
                <th>Started</th>
                <th>Stopped reason</th>
              </tr>
            </thead>
            <tbody>
              ${list.map((task) => {
                const id = shortName(task.taskArn);
                const link = href.task(cluster, id);
                return html`<tr data-href=${link} data-task=${id}>
                  <td class="mono"><a href=${link}>${id}</a></td>
                  <td><${Status} value=${task.lastStatus} /></td>
                  <td><${Status} value=${task.desiredStatus} /></td>
                  <td><${Status} value=${task.healthStatus} /></td>
                  <td class="mono">${shortName(task.taskDefinitionArn)}</td>
                  <td class="mono">
                    ${
                      task.containerInstanceArn
                        ? html`<a href=${href.instance(cluster, shortName(task.containerInstanceArn))}
                            >${shortName(task.containerInstanceArn).slice(0, 12)}</a
                          >`
                        : '—'
                    }
                  </td>
                  <td>${ago(task.startedAt)}</td>
                  <td class="reason">${task.stoppedReason ?? ''}</td>
                </tr>`;
              })}
            </tbody>
          </table>`}<//
  >`;
}
