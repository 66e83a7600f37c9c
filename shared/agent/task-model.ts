import * as z from 'zod';
import { TASK_STATUSES } from '../domain/task-status.ts';
import { containerDependency } from '../schemas/task-definition.ts';
import { healthStatus, networkBinding } from '../schemas/task.ts';
import { taskSpec } from '../schemas/agent-api.ts';
import { agentStopCode } from '../schemas/stop-code-schemas.ts';
import { CONTAINER_STATUSES, type ContainerStep } from './task-status-rank.ts';

export { CONTAINER_STATUSES, containerRank, type ContainerStatus, type ContainerStep } from './task-status-rank.ts';

/**
 * The host agent's view of a task: desired and known status side by side,
 * per container and per task. The agent persists it (one file per task) so
 * that a restarted agent keeps its report sequence and knows what it was
 * doing; the runtime's own state is re-read from the engine on start.
 */

export const containerState = z.object({
  name: z.string(),
  essential: z.boolean(),
  dependsOn: z.array(containerDependency),
  /** Containers of the task that must have started before this one is created (see task-namespaces.ts). */
  createAfter: z.array(z.string()).default([]),
  hasHealthCheck: z.boolean(),
  /** Seconds between the stop signal and the kill. */
  stopTimeoutSeconds: z.number().int().nonnegative(),
  status: z.enum(CONTAINER_STATUSES),
  runtimeId: z.string().optional(),
  imageDigest: z.string().optional(),
  exitCode: z.number().int().optional(),
  reason: z.string().optional(),
  /** Set when pulling, creating or starting failed: the task cannot run. */
  failed: z.boolean().default(false),
  health: healthStatus.optional(),
  startedAt: z.number().optional(),
  finishedAt: z.number().optional(),
  networkBindings: z.array(networkBinding).default([]),
  /** Its address as last seen running; in awsvpc mode the namespace holder's is the task's. */
  privateIpv4Address: z.string().optional(),
  macAddress: z.string().optional(),
  /** Host ports the agent picked for dynamic mappings, kept so a re-create reuses them. */
  hostPorts: z
    .array(z.object({ containerPort: z.number().int(), protocol: z.enum(['tcp', 'udp']), hostPort: z.number().int() }))
    .default([]),
  /** The container's restart policy, when enabled (see restart-policy.ts). */
  restartRule: z
    .object({ ignoredExitCodes: z.array(z.number().int()), attemptPeriodSeconds: z.number().int().positive() })
    .optional(),
  /** The container exited and is to be started again in place; its status stays RUNNING meanwhile. */
  restartPending: z.boolean().default(false),
  restartCount: z.number().int().nonnegative().default(0),
  lastRestartAt: z.number().optional(),
});
export type ContainerState = z.infer<typeof containerState> & {
  /** In memory only: the step being executed right now. */
  readonly pending?: ContainerStep;
};

export const taskState = z.object({
  taskId: z.string(),
  taskArn: z.string().optional(),
  /** Absent until fetched; an adopted container's task may never have one. */
  spec: taskSpec.optional(),
  desiredStatus: z.enum(['RUNNING', 'STOPPED']),
  /** Known status: only ever moves forward through TASK_STATUSES. */
  status: z.enum(TASK_STATUSES),
  /** The agent has decided to stop the task (or was told to); containers head for STOPPED. */
  stopping: z.boolean().default(false),
  stopCode: agentStopCode.optional(),
  stoppedReason: z.string().optional(),
  pullStartedAt: z.number().optional(),
  pullStoppedAt: z.number().optional(),
  startedAt: z.number().optional(),
  executionStoppedAt: z.number().optional(),
  /** Sequence number of the last report handed to the reporter. */
  seq: z.number().int().nonnegative(),
  /** What the last report said, so an unchanged state is not reported twice. */
  reportedFingerprint: z.string().optional(),
  /**
   * The highest seq the control plane has answered (applied or refused). A
   * restarted agent reports again any task whose last report was queued but
   * never answered: reports are at least once, even across a kill -9.
   */
  answeredSeq: z.number().int().nonnegative().default(0),
  /** When the task's containers were removed from the host. */
  removedAt: z.number().optional(),
});
export type TaskState = z.infer<typeof taskState>;

/** What the agent keeps on disk per task. */
export const taskRecord = taskState.extend({ containers: z.array(containerState) });
export type AgentTask = TaskState & { readonly containers: readonly ContainerState[] };
