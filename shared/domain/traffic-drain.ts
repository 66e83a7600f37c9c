import type { Task } from '../schemas/task.ts';

/**
 * Whether a stopping task must not be stopped on its host yet: it was
 * registered in a load balancer and has not finished draining (or has not
 * even been deregistered, which the next scheduler pass does). A task whose
 * host is gone is not held: it is stopped at once and deregistered after.
 */
export function heldForDrain(task: Task, now: number): boolean {
  if (task.traffic === undefined || task.desiredStatus !== 'STOPPED' || task.lastStatus === 'STOPPED') return false;
  return task.traffic.drainUntil === undefined || now < task.traffic.drainUntil;
}

/** Registered in its target groups (first time only: the first registration is the one kept). */
export function markRegistered(now: number): (task: Task) => Task | undefined {
  return (task) => (task.traffic !== undefined ? undefined : { ...task, traffic: { registeredAt: now } });
}

/**
 * Deregistered; drains until `until`, shown as ECS shows it: DEACTIVATING
 * while the load balancer drains the target.
 */
export function markDraining(until: number): (task: Task) => Task | undefined {
  return (task) => {
    if (task.traffic === undefined || task.traffic.drainUntil !== undefined) return undefined;
    const traffic = { ...task.traffic, drainUntil: until };
    const deactivating = task.lastStatus === 'RUNNING' || task.lastStatus === 'ACTIVATING';
    return { ...task, traffic, ...(deactivating && { lastStatus: 'DEACTIVATING' as const }) };
  };
}
