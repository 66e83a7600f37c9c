import { arns } from '../domain/arn.ts';
import { containerInstances, tasks } from '../domain/collections.ts';
import { isForward, statusRank } from '../domain/task-status.ts';
import type { AssignmentView, PollResponse, TaskSpec, TaskStateReport } from '../schemas/agent-api.ts';
import type { ContainerInstance } from '../schemas/container-instance.ts';
import type { Task, TaskContainer } from '../schemas/task.ts';
import type { TaskDefinition } from '../schemas/task-definition.ts';
import type { ControlContext } from './context.ts';
import { AgentError } from './agent-errors.ts';
import { agentCluster, heartbeat, instanceKey } from './instances.ts';
import { updateWithRetry } from './listing.ts';
import { findTaskDefinition } from './task-definitions.ts';
import { stoppedTaskExpiry } from './task-expiry.ts';
import { clusterPolicyOf } from '../security/cluster-policy-gate.ts';

/** Heartbeat and assignments in one request; unchanged generation means a short answer. */
export async function poll(
  ctx: ControlContext,
  clusterRef: string,
  instanceId: string,
  epoch: number,
  knownVersion: number | undefined,
): Promise<PollResponse> {
  const instance = await heartbeat(ctx, clusterRef, instanceId, epoch);
  if (knownVersion === instance.generation) {
    return { changed: false, version: instance.generation, status: instance.status };
  }
  return {
    changed: true,
    version: instance.generation,
    status: instance.status,
    assignments: Object.values(instance.assignments).map(
      (a): AssignmentView => ({
        taskId: a.taskId,
        taskArn: arns.task(ctx.deployment, instance.clusterName, a.taskId),
        taskDefinitionArn: a.taskDefinitionArn,
        desiredStatus: a.desiredStatus,
      }),
    ),
  };
}

async function requireInstance(
  ctx: ControlContext,
  cluster: string,
  instanceId: string,
  epoch: number | undefined,
): Promise<ContainerInstance> {
  const found = await ctx.store.get(containerInstances, instanceKey(cluster, instanceId));
  if (!found || found.value.status === 'INACTIVE') {
    throw new AgentError(404, 'InstanceNotFound', `Container instance ${instanceId} is not registered`);
  }
  if (epoch !== undefined && epoch !== found.value.epoch) {
    throw new AgentError(409, 'InstanceFenced', `Epoch ${epoch} is stale; the instance is at epoch ${found.value.epoch}`);
  }
  return found.value;
}

/**
 * A task definition revision by ARN, remembered: what a revision says never
 * changes (deregistering only changes its status, which a task spec does not
 * carry), and every agent asks for the same few on every start. Kept per
 * store, so two deployments in one process never share answers.
 */
const revisions = new WeakMap<object, Map<string, TaskDefinition>>();
const MAX_REMEMBERED_REVISIONS = 1000;

async function revisionOf(ctx: ControlContext, arn: string): Promise<TaskDefinition> {
  let known = revisions.get(ctx.store);
  if (!known) revisions.set(ctx.store, (known = new Map()));
  const remembered = known.get(arn);
  if (remembered) return remembered;
  const definition = (await findTaskDefinition(ctx, arn)).value;
  if (known.size >= MAX_REMEMBERED_REVISIONS) known.clear();
  known.set(arn, definition);
  return definition;
}

/** What the agent needs to start a task assigned to it. */
export async function taskSpec(
  ctx: ControlContext,
  clusterRef: string,
  instanceId: string,
  taskId: string,
): Promise<TaskSpec> {
  const cluster = agentCluster(clusterRef);
  const instance = await requireInstance(ctx, cluster, instanceId, undefined);
  if (!instance.assignments[taskId]) {
    throw new AgentError(403, 'TaskNotAssigned', `Task ${taskId} is not assigned to instance ${instanceId}`);
  }
  const task = await ctx.store.get(tasks, { partition: `TASK#${cluster}`, sort: taskId });
  if (!task) throw new AgentError(404, 'TaskNotFound', `Task ${taskId} does not exist`);
  const definition = await revisionOf(ctx, task.value.taskDefinitionArn);
  const explicitCpu = definition.cpu !== undefined || task.value.overrides.cpu !== undefined;
  const explicitMemory = definition.memory !== undefined || task.value.overrides.memory !== undefined;
  return {
    taskId,
    taskArn: arns.task(ctx.deployment, cluster, taskId),
    clusterName: cluster,
    desiredStatus: task.value.desiredStatus,
    family: definition.family,
    revision: definition.revision,
    networkMode: definition.networkMode,
    containerDefinitions: definition.containerDefinitions,
    volumes: definition.volumes ?? [],
    ...(explicitCpu && { cpu: task.value.cpu }),
    ...(explicitMemory && { memory: task.value.memory }),
    overrides: task.value.overrides,
    ...(definition.pidMode !== undefined && { pidMode: definition.pidMode }),
    policy: await clusterPolicyOf(ctx.store, cluster),
  };
}

/**
 * Applies an agent's state report. Reports are at-least-once and may arrive
 * out of order: one whose sequence number is not newer than the last applied
 * changes nothing, and statuses only ever move forward.
 */
export async function reportTaskState(
  ctx: ControlContext,
  clusterRef: string,
  taskId: string,
  report: TaskStateReport,
): Promise<{ applied: boolean; desiredStatus: 'RUNNING' | 'STOPPED' }> {
  const cluster = agentCluster(clusterRef);
  const instance = await requireInstance(ctx, cluster, report.instanceId, report.epoch);
  let applied = false;
  let before: Task | undefined;
  const stored = await updateWithRetry(
    ctx.store,
    tasks,
    { partition: `TASK#${cluster}`, sort: taskId },
    (task) => {
      applied = false;
      const ownedHere =
        task.containerInstanceId === report.instanceId ||
        (task.containerInstanceId === undefined && instance.assignments[taskId] !== undefined);
      if (!ownedHere) {
        throw new AgentError(403, 'TaskNotAssigned', `Task ${taskId} is not assigned to instance ${report.instanceId}`);
      }
      if (report.seq <= task.reportSeq) return undefined;
      applied = true;
      before = task;
      return applyReport(task, report, ctx.clock.now());
    },
    { expiresAt: (t) => stoppedTaskExpiry(ctx, t) },
  );
  if (!stored) throw new AgentError(404, 'TaskNotFound', `Task ${taskId} does not exist`);
  if (stored.value.lastStatus === 'STOPPED') {
    await releaseAssignment(ctx, cluster, report.instanceId, taskId);
    if (applied) await ctx.reconcile.requestReconcile(cluster, 'TaskStopped');
  } else if (applied && stored.value.group?.startsWith('service:') && movedOn(before, stored.value)) {
    // A service's rollout waits on its tasks becoming RUNNING and HEALTHY.
    await ctx.reconcile.requestReconcile(cluster, 'service task changed');
  }
  return { applied, desiredStatus: stored.value.desiredStatus };
}

function movedOn(before: Task | undefined, after: Task): boolean {
  return before === undefined || before.lastStatus !== after.lastStatus || before.healthStatus !== after.healthStatus;
}

export function applyReport(task: Task, report: TaskStateReport, now: number): Task {
  const lastStatus = isForward(task.lastStatus, report.lastStatus) ? report.lastStatus : task.lastStatus;
  const byName = new Map(report.containers.map((c) => [c.name, c]));
  const containers = task.containers.map((c): TaskContainer => {
    const r = byName.get(c.name);
    if (!r || statusRank(r.lastStatus) < statusRank(c.lastStatus)) return c;
    return {
      ...c,
      lastStatus: r.lastStatus,
      ...(r.runtimeId !== undefined && { runtimeId: r.runtimeId }),
      ...(r.imageDigest !== undefined && { imageDigest: r.imageDigest }),
      ...(r.exitCode !== undefined && { exitCode: r.exitCode }),
      ...(r.reason !== undefined && { reason: r.reason }),
      ...(r.networkBindings !== undefined && { networkBindings: r.networkBindings }),
      ...(r.healthStatus !== undefined && { healthStatus: r.healthStatus }),
    };
  });
  const stopping = lastStatus === 'STOPPED' && task.lastStatus !== 'STOPPED';
  return {
    ...task,
    containerInstanceId: task.containerInstanceId ?? report.instanceId,
    lastStatus,
    containers,
    reportSeq: report.seq,
    ...(report.healthStatus !== undefined && { healthStatus: report.healthStatus }),
    ...(task.pullStartedAt === undefined && report.pullStartedAt !== undefined && { pullStartedAt: report.pullStartedAt }),
    ...(task.pullStoppedAt === undefined && report.pullStoppedAt !== undefined && { pullStoppedAt: report.pullStoppedAt }),
    ...(task.startedAt === undefined && report.startedAt !== undefined && { startedAt: report.startedAt }),
    ...(task.executionStoppedAt === undefined &&
      report.executionStoppedAt !== undefined && { executionStoppedAt: report.executionStoppedAt }),
    ...(stopping && {
      stoppedAt: now,
      // A user's or scheduler's stop keeps its own code and reason.
      stopCode: task.stopCode ?? report.stopCode ?? 'EssentialContainerExited',
      stoppedReason: task.stoppedReason ?? report.stoppedReason ?? 'Essential container in task exited',
      ...(task.stoppingAt === undefined && { stoppingAt: now }),
    }),
  };
}

/** A stopped task's reservation is returned to its instance. */
export async function releaseAssignment(
  ctx: ControlContext,
  cluster: string,
  instanceId: string,
  taskId: string,
): Promise<void> {
  await updateWithRetry(ctx.store, containerInstances, instanceKey(cluster, instanceId), (i) => {
    if (!i.assignments[taskId]) return undefined;
    const { [taskId]: _released, ...rest } = i.assignments;
    return { ...i, assignments: rest, generation: i.generation + 1 };
  });
}
