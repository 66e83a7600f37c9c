import { isProtected } from '../domain/task-protection.ts';
import type { ContainerInstance } from '../schemas/container-instance.ts';
import type { Service } from '../schemas/service.ts';
import type { Task } from '../schemas/task.ts';
import { label } from './service-events.ts';
import { stopOrder } from './service-tasks.ts';

/**
 * Task scale-in protection in the service scheduler, as ECS applies it:
 * neither a scale-in nor a deployment stops a task whose protection has not
 * expired. A scale-in takes its surplus from the unprotected tasks only, and
 * stays above the desired count by the protected rest; a deployment leaves
 * protected tasks of older deployments running, and completes once their
 * protection is cleared or lapses. A task on a DRAINING instance is still
 * replaced: draining is the operator emptying the host, not a scale-in.
 */

export interface ScaleInChoice {
  /** The tasks to stop, in stop order. */
  readonly stop: Task[];
  /** Surplus tasks kept because they are protected. */
  readonly held: number;
}

export function scaleInChoice(
  live: readonly Task[],
  desired: number,
  now: number,
  instances: ReadonlyMap<string, ContainerInstance>,
): ScaleInChoice {
  const surplus = Math.max(0, live.length - desired);
  const stop = stopOrder(
    live.filter((t) => !isProtected(t, now)),
    instances,
  ).slice(0, surplus);
  return { stop, held: surplus - stop.length };
}

/** An outgoing task that must wait: protected, and not on a draining instance. */
export function heldByProtection(task: Task, now: number, instances: ReadonlyMap<string, ContainerInstance>): boolean {
  if (!isProtected(task, now)) return false;
  const instance = task.containerInstanceId === undefined ? undefined : instances.get(task.containerInstanceId);
  return instance?.status !== 'DRAINING';
}

export function unableToScaleIn(service: Service, held: number): string {
  return `${label(service)} was unable to scale in due to (reason: ${held} tasks under protection).`;
}

export function waitingForProtected(service: Service, deploymentId: string, held: number): string {
  return `${label(service)} (deployment ${deploymentId}) is waiting for ${held} tasks under protection to be unprotected or to expire before replacing them.`;
}
