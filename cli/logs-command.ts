import { DescribeTaskDefinitionCommand, DescribeTasksCommand, type ECSClient } from '@aws-sdk/client-ecs';
import type { CloudWatchLogsClient, FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import { sinceTime } from './audit-command.ts';
import type { SignedConnection } from './ecs-client.ts';
import type { CliIo } from './explain.ts';
import { UsageError } from './keys-command.ts';

export const LOGS_USAGE = `Usage:
  berth logs TASK [--cluster NAME] [--container NAME] [--since 10m] [--follow] [--output text|json]
    The output of a task's awslogs containers, oldest first, read through the
    CloudWatch Logs API: Berth's endpoint in dev mode, or CloudWatch Logs itself
    with your credentials when --logs-endpoint-url aws (or
    AWS_ENDPOINT_URL_CLOUDWATCH_LOGS) says so.

  TASK                     the task's id or ARN
  --cluster NAME           its cluster (default: default)
  --container NAME         one container only (default: every awslogs container)
  --since TIME             an ISO 8601 time, or a time ago: 30s, 10m, 2h (default: everything kept)
  --follow                 keep printing new lines until interrupted
  --logs-endpoint-url URL  where to read logs: a URL, or 'aws' for CloudWatch Logs (default: Berth's endpoint)`;

export interface LogsArgs {
  readonly positionals: readonly string[];
  readonly cluster?: string;
  readonly container?: string;
  readonly since?: string;
  readonly follow: boolean;
  readonly json: boolean;
  readonly logsEndpoint?: string;
}

interface Source {
  readonly container: string;
  readonly group: string;
  readonly stream: string;
}

/** How long `--follow` waits between asks when the endpoint answered without a token (CloudWatch Logs does not hold). */
const FOLLOW_PAUSE_MS = 1_000;

/** `berth logs`: throws UsageError for a bad command line, the SDKs' exceptions for refusals. */
export async function logsCommand(
  args: LogsArgs,
  connection: SignedConnection,
  ecs: ECSClient,
  io: CliIo & { signal?: AbortSignal },
  now: number,
): Promise<void> {
  const [task, extra] = args.positionals;
  if (task === undefined) throw new UsageError('name the task: berth logs TASK');
  if (extra !== undefined) throw new UsageError(`unexpected argument ${extra}`);
  const sources = await sourcesOf(ecs, args.cluster ?? 'default', task, args.container);
  const logs = await logsClient(connection, args.logsEndpoint ?? io.env.AWS_ENDPOINT_URL_CLOUDWATCH_LOGS);
  const { FilterLogEventsCommand } = await import('@aws-sdk/client-cloudwatch-logs');
  const startTime = args.since === undefined ? undefined : Date.parse(sinceTime(args.since, now));
  const label = sources.length > 1;
  const seen = new Set<string>();
  const print = (group: string, e: FilteredLogEvent) => {
    const source = sources.find((s) => s.group === group && s.stream === e.logStreamName);
    if (e.eventId !== undefined && seen.has(`${group} ${e.eventId}`)) return;
    if (e.eventId !== undefined) seen.add(`${group} ${e.eventId}`);
    if (args.json) {
      const line = { container: source?.container, timestamp: e.timestamp, message: e.message };
      return io.stdout(`${JSON.stringify(line)}\n`);
    }
    io.stdout(`${label ? `[${source?.container ?? ''}] ` : ''}${e.message ?? ''}\n`);
  };
  const read = async (group: string) => {
    const streams = sources.filter((s) => s.group === group).map((s) => s.stream);
    // A listing ends now; a follow leaves the range open, so the endpoint can hold for new lines.
    const base = {
      logGroupName: group,
      logStreamNames: streams,
      ...(!args.follow && { endTime: now }),
    };
    let nextToken: string | undefined;
    let newest = startTime;
    for (;;) {
      const page = await logs.send(
        new FilterLogEventsCommand({
          ...base,
          ...(newest !== undefined && { startTime: newest }),
          ...(nextToken !== undefined && { nextToken }),
        }),
        ...(io.signal ? [{ abortSignal: io.signal }] : []),
      );
      for (const e of page.events ?? []) {
        print(group, e);
        newest = Math.max(newest ?? 0, e.timestamp ?? 0);
      }
      nextToken = page.nextToken;
      if (nextToken !== undefined) continue;
      if (!args.follow || io.signal?.aborted) return;
      await pause(FOLLOW_PAUSE_MS, io.signal);
    }
  };
  try {
    // Each group is read on its own; with --follow they run side by side until interrupted.
    await Promise.all([...new Set(sources.map((s) => s.group))].map(read));
  } catch (error) {
    if (io.signal?.aborted) return;
    throw error;
  } finally {
    logs.destroy();
  }
}

/** The log group and stream of each awslogs container of the task, as ECS names the stream. */
async function sourcesOf(ecs: ECSClient, cluster: string, task: string, only?: string): Promise<Source[]> {
  const described = await ecs.send(new DescribeTasksCommand({ cluster, tasks: [task] }));
  const found = described.tasks?.[0];
  if (!found?.taskArn || !found.taskDefinitionArn) throw new UsageError(`no task ${task} in cluster ${cluster}`);
  const taskId = found.taskArn.split('/').at(-1) ?? task;
  const definition = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: found.taskDefinitionArn }));
  const containers = (definition.taskDefinition?.containerDefinitions ?? []).filter(
    (c) => only === undefined || c.name === only,
  );
  if (only !== undefined && containers.length === 0) throw new UsageError(`task ${taskId} has no container ${only}`);
  const sources: Source[] = [];
  for (const c of containers) {
    const options = c.logConfiguration?.options ?? {};
    const group = options['awslogs-group'];
    const prefix = options['awslogs-stream-prefix'];
    if (c.logConfiguration?.logDriver !== 'awslogs' || group === undefined || prefix === undefined) continue;
    sources.push({ container: c.name ?? '', group, stream: `${prefix}/${c.name ?? ''}/${taskId}` });
  }
  if (sources.length === 0)
    throw new UsageError(
      `task ${taskId} has no container logging with awslogs and an awslogs-stream-prefix${only ? ` named ${only}` : ''}`,
    );
  return sources;
}

async function logsClient(connection: SignedConnection, endpoint: string | undefined): Promise<CloudWatchLogsClient> {
  const { CloudWatchLogsClient } = await import('@aws-sdk/client-cloudwatch-logs');
  return new CloudWatchLogsClient({
    region: connection.region,
    credentials: connection.credentials,
    maxAttempts: 1,
    ...(endpoint !== 'aws' && { endpoint: endpoint ?? connection.endpoint }),
  });
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
