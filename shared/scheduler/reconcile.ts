import type { ContainerInstance } from '../schemas/container-instance.ts';
import type { Task } from '../schemas/task.ts';
import { heldForDrain } from '../domain/traffic-drain.ts';

/**
 * The level-triggered half of the scheduler: given everything stored for one
 * cluster, what must change so that tasks and instance assignments agree.
 * Writes are single-item and ordered so that any crash between two of them
 * leaves a state this function repairs on the next pass:
 *
 *   task created PROVISIONING -> assignment added on the instance -> task bound (PENDING)
 *   (RunTask) assignment added on the instance -> task created bound (PENDING)
 *   task stop wanted          -> assignment marked STOPPED        -> agent stops it (or, never
 *                                                                     started, reports it STOPPED)
 *   task stop wanted, agent disconnected                         -> task STOPPED by the control plane
 *   agent reports STOPPED     -> task STOPPED                     -> assignment removed
 */
export type Repair =
  /** The instance holds an assignment the task does not know about yet. */
  | { kind: 'bind'; taskId: string; instanceId: string }
  /** An assignment for a task that is gone or stopped: give the capacity back. */
  | { kind: 'release'; taskId: string; instanceId: string }
  /** The task should stop but its instance still has it wanted RUNNING. */
  | { kind: 'propagateStop'; taskId: string; instanceId: string }
  /** Never placed and no longer wanted: stopped without ever running. */
  | { kind: 'stopUnplaced'; taskId: string }
  /** Bound to an instance that is gone: the task is lost. */
  | { kind: 'lost'; taskId: string; reason: string }
  /**
   * Wanted stopped on an instance whose agent is disconnected: no agent will
   * report it, so the control plane records the stop itself (the agent, on
   * its return, stops whatever its assignments no longer name).
   */
  | { kind: 'stopDisconnected'; taskId: string; instanceId: string };

export interface ReconcilePlan {
  readonly repairs: Repair[];
  /** PROVISIONING tasks wanted RUNNING with no assignment anywhere, oldest first. */
  readonly toPlace: Task[];
}

/**
 * RunTask writes a task's assignment before the task itself, so for a moment
 * an assignment has no task; only one older than this is an orphan of a
 * RunTask that died between the two writes, whose capacity is given back.
 */
export const ORPHAN_ASSIGNMENT_GRACE_MS = 60_000;

export function planReconcile(
  instances: readonly ContainerInstance[],
  tasks: readonly Task[],
  now: number,
): ReconcilePlan {
  const taskById = new Map(tasks.map((t) => [t.taskId, t]));
  const instanceById = new Map(instances.map((i) => [i.id, i]));
  const assignedTo = new Map<string, string>();
  const repairs: Repair[] = [];

  for (const instance of instances) {
    for (const assignment of Object.values(instance.assignments)) {
      const task = taskById.get(assignment.taskId);
      const boundElsewhere = task?.containerInstanceId !== undefined && task.containerInstanceId !== instance.id;
      if (!task && now - assignment.assignedAt < ORPHAN_ASSIGNMENT_GRACE_MS) continue;
      if (!task || task.lastStatus === 'STOPPED' || boundElsewhere) {
        repairs.push({ kind: 'release', taskId: assignment.taskId, instanceId: instance.id });
        continue;
      }
      assignedTo.set(task.taskId, instance.id);
      if (instance.status === 'INACTIVE') continue;
      if (task.containerInstanceId === undefined) {
        repairs.push({ kind: 'bind', taskId: task.taskId, instanceId: instance.id });
      }
      // A task registered in a load balancer is told to stop only once it has drained.
      if (task.desiredStatus === 'STOPPED' && assignment.desiredStatus === 'RUNNING' && !heldForDrain(task, now)) {
        repairs.push({ kind: 'propagateStop', taskId: task.taskId, instanceId: instance.id });
      }
      if (task.desiredStatus === 'STOPPED' && !instance.agentConnected) {
        repairs.push({ kind: 'stopDisconnected', taskId: task.taskId, instanceId: instance.id });
      }
    }
  }

  const toPlace: Task[] = [];
  for (const task of tasks) {
    if (task.lastStatus === 'STOPPED') continue;
    const holder = task.containerInstanceId ?? assignedTo.get(task.taskId);
    if (holder !== undefined) {
      const instance = instanceById.get(holder);
      if (!instance || instance.status === 'INACTIVE') {
        repairs.push({ kind: 'lost', taskId: task.taskId, reason: 'Container instance deregistered' });
      }
      continue;
    }
    if (task.desiredStatus === 'STOPPED') repairs.push({ kind: 'stopUnplaced', taskId: task.taskId });
    else toPlace.push(task);
  }
  toPlace.sort((a, b) => a.createdAt - b.createdAt || a.taskId.localeCompare(b.taskId));
  return { repairs, toPlace };
}
