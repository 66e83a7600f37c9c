import type { AgentLogger } from './log.ts';
import type { TaskEngine } from './engine/task-engine.ts';

export const DRAIN_REASON = 'Host agent is draining: berth-agent was stopped with --drain';

/** Margin on top of the longest stop timeout for stops, reports and slow engines. */
const DRAIN_MARGIN_MS = 15_000;

/**
 * Stops every task on the host gracefully (stop signal, then kill after
 * each container's stopTimeout) and waits until all are stopped and their
 * reports are delivered, or until the longest stop timeout plus a margin has
 * passed. New assignments meanwhile are refused (see assignments.ts).
 */
export async function drainTasks(
  engine: TaskEngine,
  reportsIdle: () => boolean,
  logger: AgentLogger,
  reason: string,
): Promise<void> {
  const live = engine.list().filter((t) => t.status !== 'STOPPED');
  logger.info('Draining: stopping every task', { tasks: live.length });
  for (const task of live) engine.dispatch(task.taskId, { type: 'stop-decided', stopCode: 'UserInitiated', reason });
  const longest = Math.max(0, ...live.flatMap((t) => t.containers.map((c) => c.stopTimeoutSeconds)));
  const deadline = longest * 1000 + DRAIN_MARGIN_MS;
  const stopped = await engine.waitFor(() => engine.list().every((t) => t.status === 'STOPPED'), deadline);
  if (!stopped) logger.warn('Draining: some tasks did not stop in time', { deadlineMs: deadline });
  // Reports settle through the network, not the engine: check on them until the margin runs out.
  const until = Date.now() + DRAIN_MARGIN_MS;
  while (!reportsIdle() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 100));
}
