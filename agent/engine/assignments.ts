import { newAgentTask } from '#shared/agent/new-task.ts';
import type { AssignmentView } from '#shared/schemas/agent-api.ts';
import type { TaskEngine } from './task-engine.ts';

export const DRAINING_REASON = 'Container instance is draining: the task was not started';

/**
 * Follows the control plane's list of what should run on this instance:
 * - a new task to run is taken on at once, unless the instance is draining
 *   (then it is reported STOPPED, TaskFailedToStart, and never started);
 * - a new task already to be stopped is taken on stopped and reported
 *   STOPPED without ever being started;
 * - a known task takes the desired status it is given;
 * - a task the list no longer names is stopped: the control plane has given
 *   it up (replaced it while this agent was fenced, or forgotten it);
 * - a task whose containers are gone and which the list no longer names is
 *   forgotten. A task id is never started twice, so a stopped task stays
 *   known (a tombstone) for as long as the list still names it.
 */
export function applyAssignments(
  engine: TaskEngine,
  assignments: readonly AssignmentView[],
  options: { readonly draining: boolean },
): void {
  const named = new Map<string, 'RUNNING' | 'STOPPED'>();
  for (const assignment of assignments) {
    named.set(assignment.taskId, assignment.desiredStatus);
    const task = engine.get(assignment.taskId);
    if (task) {
      if (task.desiredStatus !== assignment.desiredStatus) {
        engine.dispatch(task.taskId, { type: 'desired', desiredStatus: assignment.desiredStatus });
      }
      continue;
    }
    // Stopped before this agent ever saw it: nothing runs, but the control
    // plane waits for a STOPPED report to finish the task and free its
    // reservation, so the task is taken on as stopped and reported as such.
    engine.add(newAgentTask(assignment.taskId, assignment.desiredStatus, assignment.taskArn));
    if (assignment.desiredStatus === 'STOPPED') continue;
    if (options.draining) {
      engine.logger.info('Not starting a task: the instance is draining', { taskId: assignment.taskId });
      engine.dispatch(assignment.taskId, {
        type: 'stop-decided',
        stopCode: 'TaskFailedToStart',
        reason: DRAINING_REASON,
      });
    }
  }
  for (const task of engine.list()) {
    if (named.has(task.taskId)) continue;
    if (task.removedAt !== undefined) engine.forget(task.taskId);
    else if (task.desiredStatus !== 'STOPPED') {
      engine.logger.info('Stopping a task the control plane no longer assigns here', { taskId: task.taskId });
      engine.dispatch(task.taskId, { type: 'desired', desiredStatus: 'STOPPED' });
    }
  }
  engine.setAssigned(named);
}
