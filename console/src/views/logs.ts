import { useLayoutEffect, useRef } from 'preact/hooks';
import { ApiError, type Api } from '../api.ts';
import { html } from '../html.ts';
import { usePolled } from '../poll.ts';
import { taskDefinition } from '../queries.ts';
import { Loaded } from '../ui.ts';
import { shortName, when, type Task } from '../ecs.ts';

/**
 * A container's logs, read through the CloudWatch Logs API
 * (`Logs_20140328.GetLogEvents`) where the endpoint answers it. The stream
 * is where the awslogs driver writes: `<prefix>/<container>/<task id>`.
 * Any refusal (no such operation, no stream yet) is shown as a reason, not
 * as a failure of the page.
 */
export type ContainerLogs =
  | { readonly kind: 'lines'; readonly events: ReadonlyArray<{ timestamp?: number; message?: string }> }
  | { readonly kind: 'unavailable'; readonly reason: string };

export async function readContainerLogs(api: Api, task: Task, container: string): Promise<ContainerLogs> {
  const definition = await taskDefinition(api, task.taskDefinitionArn ?? '');
  const config = definition.containerDefinitions?.find((c) => c.name === container)?.logConfiguration;
  const group = config?.options?.['awslogs-group'];
  const prefix = config?.options?.['awslogs-stream-prefix'];
  if (config?.logDriver !== 'awslogs' || group === undefined || prefix === undefined)
    return { kind: 'unavailable', reason: 'The container has no awslogs log configuration with a stream prefix.' };
  try {
    const answer = await api.logs<{ events?: Array<{ timestamp?: number; message?: string }> }>('GetLogEvents', {
      logGroupName: group,
      logStreamName: `${prefix}/${container}/${shortName(task.taskArn)}`,
      limit: 200,
      startFromHead: false,
    });
    return { kind: 'lines', events: answer.events ?? [] };
  } catch (error) {
    if (error instanceof ApiError) return { kind: 'unavailable', reason: `${error.type}: ${error.message}` };
    throw error;
  }
}

export function ContainerLogsView({ task, container }: { task: Task; container: string }) {
  const polled = usePolled(`logs:${task.taskArn}:${container}`, (api) => readContainerLogs(api, task, container));
  return html`<${Loaded} polled=${polled}
    >${(logs: ContainerLogs) =>
      logs.kind === 'unavailable'
        ? html`<div class="note empty">Logs are not available. <span class="dim">${logs.reason}</span></div>`
        : logs.events.length === 0
          ? html`<div class="note empty">No log events yet.</div>`
          : html`<${LogLines} events=${logs.events} />`}<//
  >`;
}

/**
 * The lines, oldest first. Each refresh keeps the newest line in view
 * while the reader is at the bottom, as `tail -f` does, and leaves the
 * scroll alone when they have scrolled up to read.
 */
function LogLines({ events }: { events: ReadonlyArray<{ timestamp?: number; message?: string }> }) {
  const box = useRef<HTMLPreElement>(null);
  const following = useRef(true);
  useLayoutEffect(() => {
    if (following.current && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [events]);
  const onScroll = () => {
    const pre = box.current;
    if (pre) following.current = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
  };
  return html`<pre class="logs" ref=${box} onScroll=${onScroll}>
${events
      .map(
        (event) =>
          `${when(event.timestamp === undefined ? undefined : event.timestamp / 1000)}  ${event.message ?? ''}`,
      )
      .join('\n')}</pre>`;
}
