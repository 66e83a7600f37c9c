import { tasks } from '../domain/collections.ts';
import * as transition from '../domain/task-transitions.ts';
import type { Task } from '../schemas/task.ts';
import type { ControlContext } from './context.ts';
import { updateWithRetry } from './listing.ts';
import { stoppedTaskExpiry } from './task-expiry.ts';

/**
 * Records a task as STOPPED at once, without an agent's report: for a task
 * that never ran anywhere, or whose host is gone (transition.stopNow says
 * what changes and what is kept).
 */
export async function stopNow(
  ctx: ControlContext,
  cluster: string,
  taskId: string,
  stop: transition.ImmediateStop,
  when?: (task: Task) => boolean,
): Promise<void> {
  await updateWithRetry(ctx.store, tasks, tasks.key(cluster, taskId), transition.stopNow(stop, ctx.clock.now(), when), {
    expiresAt: (t) => stoppedTaskExpiry(ctx, t),
  });
}
