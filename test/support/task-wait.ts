import { DescribeTasksCommand, type ECSClient, type Task } from '@aws-sdk/client-ecs';
import { waitFor } from './wait.ts';

/** DescribeTasks for one task of a cluster, and a wait for that task to reach a condition. */
export function taskWaiter(ecs: ECSClient, cluster: string, timeoutMs = 120_000) {
  const describeTask = async (arn: string): Promise<Task | undefined> =>
    (await ecs.send(new DescribeTasksCommand({ cluster, tasks: [arn] }))).tasks?.[0];
  const until = (arn: string, ok: (t: Task) => boolean, what: string): Promise<Task> =>
    waitFor(
      async () => {
        const task = await describeTask(arn);
        return task && ok(task) ? task : undefined;
      },
      { timeoutMs, what },
    );
  return { describeTask, until };
}
