import { removeClusterContainers } from '../support/agents.ts';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { DescribeTasksCommand, ECSClient, ListTasksCommand, type Task } from '@aws-sdk/client-ecs';

const run = promisify(execFile);

/** A cluster name of this run only, so label-scoped cleanup touches nothing else. */
export function chaosCluster(prefix: string): string {
  return `chaos-${prefix}-${randomUUID().slice(0, 8)}`;
}

/** The unmodified SDK against an endpoint; no retries, so every answer the test counts is Berth's own. */
export function ecsClient(endpoint: string, credentials: { accessKeyId: string; secretAccessKey: string }): ECSClient {
  return new ECSClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
}

/** Every task of the cluster (or service) Berth reports, whatever its desired status. */
export async function allTasks(ecs: ECSClient, cluster: string, serviceName?: string): Promise<Task[]> {
  const arns: string[] = [];
  for (const desiredStatus of ['RUNNING', 'STOPPED'] as const) {
    let nextToken: string | undefined;
    do {
      const page = await ecs.send(new ListTasksCommand({ cluster, serviceName, desiredStatus, nextToken }));
      arns.push(...(page.taskArns ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
  }
  const tasks: Task[] = [];
  for (let i = 0; i < arns.length; i += 100) {
    const page = await ecs.send(new DescribeTasksCommand({ cluster, tasks: arns.slice(i, i + 100) }));
    tasks.push(...(page.tasks ?? []));
  }
  return tasks;
}

export const running = (tasks: readonly Task[]): Task[] => tasks.filter((t) => t.lastStatus === 'RUNNING');
export const taskId = (arn: string | undefined): string => arn?.split('/').pop() ?? '';

/** Running containers on the engine with the given Berth labels: container id to task id. */
export async function runningContainers(labels: Record<string, string>): Promise<Map<string, string>> {
  const filters = Object.entries(labels).flatMap(([k, v]) => ['--filter', `label=${k}=${v}`]);
  const { stdout } = await run('docker', [
    'ps',
    '--no-trunc',
    ...filters,
    '--format',
    '{{.ID}} {{.Label "com.berth.task-id"}}',
  ]);
  const lines = stdout.split('\n').filter((line) => line.trim() !== '');
  return new Map(lines.map((line) => line.split(' ') as [string, string]));
}

export async function dockerKill(ids: readonly string[]): Promise<void> {
  if (ids.length > 0) await run('docker', ['kill', ...ids]).catch(() => undefined);
}

/** Removes every container of a chaos cluster. */
export const removeContainers = removeClusterContainers;

/**
 * Lets a fault last: an outage or a hang has a duration of its own, which is
 * the scenario, not a wait for a condition.
 */
export function faultLasts(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
