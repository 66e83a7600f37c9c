import { html } from '../html.ts';
import { usePolled } from '../poll.ts';
import { tasks } from '../queries.ts';
import { href } from '../route.ts';
import { Empty, Loaded, Status } from '../ui.ts';
import { shortName, type Task } from '../ecs.ts';

/** The tasks an instance holds (ListTasks filters by instance; the console reads the cluster's and keeps its own). */
export function TasksOnInstance({ cluster, arn }: { cluster: string; arn: string }) {
  const polled = usePolled(`tasks:${cluster}:`, (api) => tasks(api, cluster));
  return html`<${Loaded} polled=${polled}
    >${(list: Task[]) => {
      const here = list.filter((task) => task.containerInstanceArn === arn && task.lastStatus !== 'STOPPED');
      if (here.length === 0) return html`<${Empty}>No tasks on this instance.<//>`;
      return html`<table class="grid compact">
        <thead>
          <tr>
            <th>Task</th>
            <th>Last status</th>
            <th>Task definition</th>
            <th>Group</th>
          </tr>
        </thead>
        <tbody>
          ${here.map((task) => {
            const link = href.task(cluster, shortName(task.taskArn));
            return html`<tr data-href=${link}>
              <td class="mono"><a href=${link}>${shortName(task.taskArn)}</a></td>
              <td><${Status} value=${task.lastStatus} /></td>
              <td class="mono">${shortName(task.taskDefinitionArn)}</td>
              <td>${task.group ?? ''}</td>
            </tr>`;
          })}
        </tbody>
      </table>`;
    }}<//
  >`;
}
