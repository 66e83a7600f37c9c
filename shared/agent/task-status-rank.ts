/**
 * A container's lifecycle on the host, without the schema of the task
 * record (task-model.ts), so that code ranking statuses loads no zod.
 */

/** A container's lifecycle on the host, in order; a container only moves forward. */
export const CONTAINER_STATUSES = ['NONE', 'PULLED', 'CREATED', 'RUNNING', 'STOPPED'] as const;
export type ContainerStatus = (typeof CONTAINER_STATUSES)[number];

export function containerRank(status: ContainerStatus): number {
  return CONTAINER_STATUSES.indexOf(status);
}

/** The runtime step a container may have in flight; at most one at a time. */
export type ContainerStep = 'pull' | 'create' | 'start' | 'stop' | 'restart';
