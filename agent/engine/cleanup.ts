import type { ContainerRuntime } from '../../shared/ports/container-runtime.ts';
import type { TaskEngine } from './task-engine.ts';

/**
 * Removes the containers of tasks that stopped more than `delayMs` ago and
 * whose last report has been handed over. Only containers the agent
 * recorded as its own are touched; a failed removal is tried again on the
 * next sweep.
 */
export async function removeStoppedTasks(
  engine: TaskEngine,
  runtime: ContainerRuntime,
  options: { readonly now: number; readonly delayMs: number; readonly reportPending: (taskId: string) => boolean },
): Promise<void> {
  for (const task of engine.list()) {
    if (task.status !== 'STOPPED' || task.removedAt !== undefined) continue;
    if ((task.executionStoppedAt ?? 0) + options.delayMs > options.now) continue;
    if (options.reportPending(task.taskId)) continue;
    let removed = true;
    for (const c of task.containers) {
      if (!c.runtimeId) continue;
      const result = await runtime.removeContainer(c.runtimeId);
      if (!result.ok) {
        engine.logger.warn('Could not remove a stopped container; will try again', {
          taskId: task.taskId,
          container: c.name,
          message: result.failure.message,
        });
        removed = false;
      }
    }
    if (removed) {
      engine.logger.info('Removed the containers of a stopped task', { taskId: task.taskId });
      engine.dispatch(task.taskId, { type: 'removed' });
    }
  }
}
