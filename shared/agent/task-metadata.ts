import { effectiveDefinition, positive, taskLimits } from './container-config.ts';
import type { AgentTask, ContainerState } from './task-model.ts';

/**
 * The documents of the ECS task metadata endpoint v4, built on request from
 * the agent's task record and what the engine says about each container.
 * Fields Berth does not know (ContainerARN, AvailabilityZone, log driver,
 * ClockDrift, ...) are left out rather than made up: docs/agent.md lists them.
 */

const MIB = 1024 * 1024;

/** What the engine says about one container, as the documents need it. */
export interface EngineContainerView {
  readonly dockerId: string;
  readonly dockerName: string;
  readonly imageId?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly createdAt?: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly memoryBytes?: number;
  /** The engine's network mode (`bridge`, `host`, `none`, a network name). */
  readonly networkMode: string;
  readonly ipv4Addresses: readonly string[];
}

/** The ECS engine times are RFC 3339; Berth keeps epoch milliseconds. */
function isoTime(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

function defined(entries: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined));
}

function desiredStatus(task: AgentTask): 'RUNNING' | 'STOPPED' {
  return task.stopping || task.desiredStatus === 'STOPPED' ? 'STOPPED' : 'RUNNING';
}

const HEALTH: Record<string, string> = { HEALTHY: 'HEALTHY', UNHEALTHY: 'UNHEALTHY', UNKNOWN: 'UNKNOWN' };

/** `${ECS_CONTAINER_METADATA_URI_V4}`: one container. */
export function containerDocument(
  task: AgentTask,
  container: ContainerState,
  view: EngineContainerView | undefined,
): Record<string, unknown> {
  const base = task.spec?.containerDefinitions.find((d) => d.name === container.name);
  const definition = base && task.spec ? effectiveDefinition(task.spec, base) : undefined;
  const memory = view?.memoryBytes ? Math.round(view.memoryBytes / MIB) : undefined;
  return defined({
    DockerId: view?.dockerId ?? container.runtimeId,
    Name: container.name,
    DockerName: view?.dockerName,
    Image: definition?.image,
    ImageID: view?.imageId,
    Labels: view?.labels,
    DesiredStatus: desiredStatus(task),
    KnownStatus: container.status,
    ExitCode: container.exitCode,
    Limits: defined({ CPU: positive(definition?.cpu) ?? 0, Memory: memory }),
    CreatedAt: view?.createdAt,
    StartedAt: view?.startedAt ?? isoTime(container.startedAt),
    FinishedAt: container.status === 'STOPPED' ? (view?.finishedAt ?? isoTime(container.finishedAt)) : undefined,
    Type: 'NORMAL',
    Health: container.hasHealthCheck && container.health ? { status: HEALTH[container.health] } : undefined,
    // ECS names the task's network mode here, not the engine network a bridge task's containers share.
    Networks: view
      ? [{ NetworkMode: task.spec?.networkMode ?? view.networkMode, IPv4Addresses: [...view.ipv4Addresses] }].filter(
          (n) => n.NetworkMode,
        )
      : undefined,
  });
}

/** The cluster's ARN from the task's: `...:task/<cluster>/<id>` to `...:cluster/<cluster>`. */
export function clusterArnOf(taskArn: string): string | undefined {
  const match = /^(arn:[^:]+:ecs:[^:]*:[^:]*:)task\/([^/]+)\/[^/]+$/.exec(taskArn);
  return match ? `${match[1]}cluster/${match[2]}` : undefined;
}

/** `${ECS_CONTAINER_METADATA_URI_V4}/task`: the task and every container of it. */
export function taskDocument(
  task: AgentTask,
  views: ReadonlyMap<string, EngineContainerView>,
): Record<string, unknown> {
  const spec = task.spec;
  const limits = spec ? taskLimits(spec) : {};
  const taskArn = spec?.taskArn ?? task.taskArn;
  return defined({
    Cluster: taskArn ? clusterArnOf(taskArn) : undefined,
    TaskARN: taskArn,
    Family: spec?.family,
    Revision: spec ? String(spec.revision) : undefined,
    DesiredStatus: desiredStatus(task),
    KnownStatus: task.status,
    // ECS gives task-level cpu in vCPU here, memory in MiB; only what the task definition or overrides set.
    Limits:
      limits.cpu || limits.memory
        ? defined({ CPU: limits.cpu && limits.cpu / 1024, Memory: limits.memory })
        : undefined,
    PullStartedAt: isoTime(task.pullStartedAt),
    PullStoppedAt: isoTime(task.pullStoppedAt),
    ExecutionStoppedAt: isoTime(task.executionStoppedAt),
    LaunchType: 'EC2',
    Containers: task.containers.map((c) => containerDocument(task, c, views.get(c.name))),
  });
}
