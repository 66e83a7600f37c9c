import {
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListContainerInstancesCommand,
  ListTasksCommand,
  RunTaskCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';

/**
 * A mixed ECS workload: `clients` callers, each with its own unmodified SDK
 * client, calling back to back for `durationMs`. Writes (RunTask, StopTask)
 * and reads (Describe*, List*) in the proportions below. Shared by the chaos
 * suite (no 5xx under load) and the load benchmark (throughput, latency).
 */
export interface MixedLoadOptions {
  readonly endpoint: string;
  readonly credentials: { accessKeyId: string; secretAccessKey: string };
  readonly cluster: string;
  readonly taskDefinition: string;
  readonly clients: number;
  readonly durationMs: number;
}

export interface CallRecord {
  readonly operation: string;
  /** HTTP status of the answer; 0 when none came (connection refused or reset). */
  readonly status: number;
  /** The ECS error code of a refusal, e.g. ConflictException. */
  readonly code?: string;
  readonly ms: number;
}

export interface MixedLoadResult {
  readonly calls: readonly CallRecord[];
  readonly elapsedMs: number;
}

type Operation = (ecs: ECSClient, known: string[]) => Promise<unknown>;

const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(Math.random() * items.length)];

/** Weighted: 2 of 10 RunTask, 1 StopTask, 7 reads. */
function operations(cluster: string, taskDefinition: string): Array<[string, Operation]> {
  const run: Operation = async (ecs, known) => {
    const answer = await ecs.send(new RunTaskCommand({ cluster, taskDefinition }));
    for (const task of answer.tasks ?? []) if (task.taskArn) known.push(task.taskArn);
  };
  const stop: Operation = (ecs, known) => {
    const task = known.splice(Math.floor(Math.random() * known.length), 1)[0];
    return task ? ecs.send(new StopTaskCommand({ cluster, task, reason: 'load' })) : run(ecs, known);
  };
  const describeTasks: Operation = (ecs, known) =>
    ecs.send(new DescribeTasksCommand({ cluster, tasks: known.length ? known.slice(-10) : ['none'] }));
  const listTasks: Operation = (ecs) => ecs.send(new ListTasksCommand({ cluster, maxResults: 50 }));
  const listInstances: Operation = (ecs) => ecs.send(new ListContainerInstancesCommand({ cluster }));
  const describeInstances: Operation = async (ecs) => {
    const arns =
      (await ecs.send(new ListContainerInstancesCommand({ cluster, maxResults: 10 }))).containerInstanceArns ?? [];
    if (arns.length) await ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: arns }));
  };
  const describeClusters: Operation = (ecs) => ecs.send(new DescribeClustersCommand({ clusters: [cluster] }));
  return [
    ['RunTask', run],
    ['RunTask', run],
    ['StopTask', stop],
    ['DescribeTasks', describeTasks],
    ['DescribeTasks', describeTasks],
    ['ListTasks', listTasks],
    ['ListTasks', listTasks],
    ['ListContainerInstances', listInstances],
    ['DescribeContainerInstances', describeInstances],
    ['DescribeClusters', describeClusters],
  ];
}

export async function runMixedLoad(options: MixedLoadOptions): Promise<MixedLoadResult> {
  const mix = operations(options.cluster, options.taskDefinition);
  const calls: CallRecord[] = [];
  const started = Date.now();
  const until = started + options.durationMs;
  const client = async () => {
    const ecs = new ECSClient({
      endpoint: options.endpoint,
      region: 'us-east-1',
      credentials: options.credentials,
      maxAttempts: 1,
    });
    const known: string[] = [];
    try {
      while (Date.now() < until) {
        const [operation, call] = pick(mix) ?? mix[0]!;
        const t0 = performance.now();
        try {
          await call(ecs, known);
          calls.push({ operation, status: 200, ms: performance.now() - t0 });
        } catch (error) {
          calls.push({ operation, ...refusal(error), ms: performance.now() - t0 });
        }
      }
    } finally {
      ecs.destroy();
    }
  };
  await Promise.all(Array.from({ length: options.clients }, client));
  return { calls, elapsedMs: Date.now() - started };
}

function refusal(error: unknown): { status: number; code: string } {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return { status: e.$metadata?.httpStatusCode ?? 0, code: e.name ?? 'Error' };
}

/** Answers counted by HTTP status class and ECS error code, e.g. `4xx InvalidParameterException`. */
export function countByCode(calls: readonly CallRecord[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const call of calls) {
    const key =
      call.status === 200
        ? '200'
        : `${call.status === 0 ? 'no answer' : `${Math.floor(call.status / 100)}xx`} ${call.code}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}
