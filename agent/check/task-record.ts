import type { AgentTask } from '#shared/agent/task-model.ts';
import { CONTAINER_STATUSES } from '#shared/agent/task-status-rank.ts';
import { TASK_STATUSES } from '#shared/domain/task-status.ts';
import { AGENT_STOP_CODES } from '#shared/schemas/stop-codes.ts';
import { boolean, int, number, oneOf, string, type Check } from './check.ts';
import { array, object, optional, withDefault } from './compose.ts';
import { containerDependency, desiredStatus, taskSpec } from './task-spec.ts';

/**
 * The agent's task records on disk, as shared/agent/task-model.ts's
 * taskRecord defines them: a record from an older agent gets the defaults
 * of fields added since; unknown keys are dropped.
 */

const count = int({ min: 0 });
const protocol = oneOf(['tcp', 'udp']);
const none = <T>(): T[] => [];

export const healthStatus = oneOf(['HEALTHY', 'UNHEALTHY', 'UNKNOWN']);

export const networkBinding = object({
  bindIP: optional(string()),
  containerPort: optional(int()),
  hostPort: optional(int()),
  protocol: optional(protocol),
});

const hostPort = object({ containerPort: int(), protocol, hostPort: int() });

const containerState = object({
  name: string(),
  essential: boolean(),
  dependsOn: array(containerDependency),
  createAfter: withDefault(array(string()), (): string[] => []),
  restartRule: optional(object({ ignoredExitCodes: array(int()), attemptPeriodSeconds: int({ min: 1 }) })),
  restartPending: withDefault(boolean(), () => false),
  restartCount: withDefault(int({ min: 0 }), () => 0),
  lastRestartAt: optional(number()),
  hasHealthCheck: boolean(),
  stopTimeoutSeconds: count,
  status: oneOf(CONTAINER_STATUSES),
  runtimeId: optional(string()),
  imageDigest: optional(string()),
  exitCode: optional(int()),
  reason: optional(string()),
  failed: withDefault(boolean(), () => false),
  health: optional(healthStatus),
  startedAt: optional(number()),
  finishedAt: optional(number()),
  networkBindings: withDefault(array(networkBinding), none<{ containerPort?: number }>),
  hostPorts: withDefault(array(hostPort), none<{ containerPort: number; protocol: 'tcp' | 'udp'; hostPort: number }>),
});

export const taskRecord: Check<AgentTask> = object({
  taskId: string(),
  taskArn: optional(string()),
  spec: optional(taskSpec),
  desiredStatus,
  status: oneOf(TASK_STATUSES),
  stopping: withDefault(boolean(), () => false),
  stopCode: optional(oneOf(AGENT_STOP_CODES)),
  stoppedReason: optional(string()),
  pullStartedAt: optional(number()),
  pullStoppedAt: optional(number()),
  startedAt: optional(number()),
  executionStoppedAt: optional(number()),
  seq: count,
  reportedFingerprint: optional(string()),
  answeredSeq: withDefault(count, () => 0),
  removedAt: optional(number()),
  containers: array(containerState),
});
