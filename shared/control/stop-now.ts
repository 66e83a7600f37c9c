import { tasks } from '../domain/collections.ts';
import type { StopCode } from '../domain/task-status.ts';
import type { Task } from '../schemas/task.ts';
import type { ControlContext } from './context.ts';
import { updateWithRetry } from './listing.ts';
import { stoppedTaskExpiry } from './task-expiry.ts';

/**
 * Records a task as STOPPED at once, without an agent's report: for a task
 * that never ran anywhere, or whose host is gone. A stop code and reason
 * already given (a user's StopTask) are kept. `when` guards against a task
 * that moved on since it was read.
 */
export async function stopNow(
  ctx: ControlContext,
  cluster: string,
  taskId: string,
  stop: { readonly stopCode?: StopCode; readonly reason: string },
  when: (task: Task) => boolean = (task) => task.lastStatus !== 'STOPPED',
): Promise<void> {
  const now = ctx.clock.now();
  await updateWithRetry(
    ctx.store,
    tasks,
    tasks.key(cluster, taskId),
    (t): Task | undefined => {
      if (!when(t)) return undefined;
      const stopCode = t.stopCode ?? stop.stopCode;
      return {
        ...t,
        lastStatus: 'STOPPED',
        desiredStatus: 'STOPPED',
        stoppingAt: t.stoppingAt ?? now,
        stoppedAt: now,
        executionStoppedAt: t.executionStoppedAt ?? now,
        ...(stopCode !== undefined && { stopCode }),
        stoppedReason: t.stoppedReason ?? stop.reason,
      };
    },
    { expiresAt: (t) => stoppedTaskExpiry(ctx, t) },
  );
}
