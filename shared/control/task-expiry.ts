import type { Task } from '../schemas/task.ts';
import type { ControlContext } from './context.ts';

/**
 * Stopped tasks stay describable for a while (ECS keeps them about an hour),
 * then the table's TTL removes them. Live tasks never expire.
 */
export function stoppedTaskExpiry(ctx: ControlContext, task: Task): number | undefined {
  if (task.lastStatus !== 'STOPPED') return undefined;
  return Math.floor((task.stoppedAt ?? ctx.clock.now()) / 1000) + ctx.settings.stoppedTaskRetentionSeconds;
}
