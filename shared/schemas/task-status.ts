/**
 * ECS's task statuses in their order: a task only ever moves forward through
 * this list, which is what makes replayed or reordered state reports harmless.
 * Kept free of zod (the schema is `taskStatus` in task.ts) so the host agent
 * can read it without loading a schema library.
 */
export const TASK_STATUSES = [
  'PROVISIONING',
  'PENDING',
  'ACTIVATING',
  'RUNNING',
  'DEACTIVATING',
  'STOPPING',
  'DEPROVISIONING',
  'STOPPED',
] as const;

export type TaskStatus = (typeof TASK_STATUSES)[number];
