import type { ContainerDefinition } from '../schemas/task-definition.ts';
import type { TaskSpec } from '../schemas/agent-api.ts';

/** The engine's log driver for one container, with its options. */
export interface RuntimeLogConfig {
  readonly type: string;
  readonly options: Readonly<Record<string, string>>;
}

/**
 * Who writes an awslogs container's output to its log group: the agent,
 * which follows the engine's local log and ships it (to Berth's log store in
 * dev mode), or the engine's own awslogs driver with the host's credentials
 * (on an AWS host, where CloudWatch Logs is the store), or the agent,
 * following the same local log, with PutLogEvents (`cloudwatch`; AWS
 * hosts). docs/decisions.md, docs/logs.md.
 */
export type AwslogsShipping = 'agent' | 'engine' | 'cloudwatch';

/**
 * Bounds of the local log the engine keeps, when the task definition sets
 * none: a noisy task keeps at most 3 files of 10 MB, so it cannot fill the
 * host's disk. They are the json-file driver's own options.
 */
export const LOCAL_LOG_LIMITS: Readonly<Record<string, string>> = { 'max-size': '10m', 'max-file': '3' };

/**
 * The engine log configuration of a container definition. awslogs shipped
 * by the agent becomes a bounded json-file log the agent reads back; other
 * drivers (within the cluster's policy, checked before this) reach the
 * engine as written. A container without a logConfiguration gets the
 * bounded json-file log too.
 */
export function runtimeLogConfig(definition: ContainerDefinition, awslogs: AwslogsShipping): RuntimeLogConfig {
  const config = definition.logConfiguration;
  const options = config?.options ?? {};
  if (!config || (config.logDriver === 'awslogs' && awslogs !== 'engine')) {
    return { type: 'json-file', options: LOCAL_LOG_LIMITS };
  }
  if (config.logDriver === 'json-file') return { type: 'json-file', options: { ...LOCAL_LOG_LIMITS, ...options } };
  return { type: config.logDriver, options };
}

/** Where an awslogs container's lines go: the log group and stream, as ECS names the stream. */
export interface AwslogsDestination {
  readonly group: string;
  readonly stream: string;
  readonly region?: string;
  readonly createGroup: boolean;
}

/**
 * `prefix/container-name/task-id` when the definition sets
 * awslogs-stream-prefix; without one ECS names the stream after the
 * container's engine id. Undefined for other drivers, or without a group.
 */
export function awslogsDestination(
  spec: Pick<TaskSpec, 'taskId'>,
  definition: ContainerDefinition,
  runtimeId: string,
): AwslogsDestination | undefined {
  const config = definition.logConfiguration;
  if (config?.logDriver !== 'awslogs') return undefined;
  const options = config.options ?? {};
  const group = options['awslogs-group'];
  if (group === undefined) return undefined;
  const prefix = options['awslogs-stream-prefix'];
  const region = options['awslogs-region'];
  return {
    group,
    stream: prefix !== undefined ? `${prefix}/${definition.name}/${spec.taskId}` : runtimeId,
    ...(region !== undefined && { region }),
    createGroup: options['awslogs-create-group'] === 'true',
  };
}
