import type { Task } from '@aws-sdk/client-ecs';
import { waitFor } from './wait.ts';

/**
 * After a scale-in by one, the one task of `before` the service is stopping
 * (desiredStatus STOPPED), once there is exactly one.
 */
export async function theTaskScaledIn(
  before: readonly Task[],
  tasksOf: (desiredStatus: 'STOPPED') => Promise<Task[]>,
): Promise<Task> {
  const [leaving] = await waitFor(
    async () => {
      const stopping = (await tasksOf('STOPPED')).filter((t) => before.some((b) => b.taskArn === t.taskArn));
      return stopping.length === 1 ? stopping : undefined;
    },
    { what: 'a task being stopped', timeoutMs: 30_000 },
  );
  return leaving!;
}
