import { arns } from '../domain/arn.ts';
import { containerInstances, tasks } from '../domain/collections.ts';
import * as transition from '../domain/task-transitions.ts';
import type {
  AssignmentView,
  PollResponse,
  TaskSpec,
  TaskStateReport,
  TaskStateReports,
  TaskStateReportsResponse,
} from '../schemas/agent-api.ts';
import type { Versioned } from '../ports/store.ts';
import type { Assignment, ContainerInstance } from '../schemas/container-instance.ts';
import type { Task } from '../schemas/task.ts';
import type { TaskDefinition } from '../schemas/task-definition.ts';
import type { ControlContext } from './context.ts';
import { AgentError } from '../domain/errors.ts';
import { recordEngineStatus, type EngineStatus } from './engine-status.ts';
import { agentCluster, heartbeat } from './instances.ts';
import { updateWithRetry } from './listing.ts';
import { releaseAssignment } from './assignments.ts';
import { findTaskDefinition } from './task-definitions.ts';
import { stoppedTaskExpiry } from './task-expiry.ts';
import { clusterPolicyOf } from './cluster-policy-gate.ts';
import { recordMetrics } from './metrics-intake.ts';
import type { TaskMetrics } from '../schemas/task-metrics.ts';
import { dnsUpdate } from './dns-delivery.ts';

export interface PollOptions {
  /** Hold an unchanged answer up to this long for a change (where the deployment can). */
  readonly waitMs?: number;
  /** Carry the specs of tasks assigned since `knownVersion`. */
  readonly withSpecs?: boolean;
  /** What the agent says of its container engine; recorded as an instance attribute when it changes. */
  readonly engineStatus?: EngineStatus;
  /** The agent's latest task samples, folded into the instance's metrics window. */
  readonly metrics?: readonly TaskMetrics[];
  /** The DNS view serial the agent holds: the answer carries the view when it is newer. */
  readonly dnsSerial?: number;
}

/** Specs carried in one poll answer: one BatchGetItem of tasks. */
const MAX_SPECS_PER_POLL = 100;

/** Heartbeat and assignments in one request; unchanged generation means a short answer. */
export async function poll(
  ctx: ControlContext,
  clusterRef: string,
  instanceId: string,
  epoch: number,
  knownVersion: number | undefined,
  options: PollOptions = {},
): Promise<PollResponse> {
  const cluster = agentCluster(ctx.deployment, clusterRef);
  // A held poll must still answer well inside the lease, so the agent's next
  // poll renews it in time.
  const waitMs = Math.min(options.waitMs ?? 0, ctx.settings.heartbeatTtlMs / 3);
  const watch = waitMs > 0 ? ctx.changes?.watch(cluster, instanceId, waitMs) : undefined;
  let instance = await heartbeat(ctx, clusterRef, instanceId, epoch);
  if (options.engineStatus !== undefined) instance = await recordEngineStatus(ctx, instance, options.engineStatus);
  if (options.metrics !== undefined && options.metrics.length > 0) await recordMetrics(ctx, instance, options.metrics);
  const dnsOf = () => (options.dnsSerial === undefined ? undefined : dnsUpdate(ctx, cluster, options.dnsSerial));
  let dns = await dnsOf();
  if (watch && knownVersion === instance.generation && !dns) {
    await watch.next;
    // The lease was renewed above if due, and the wait is under a third of
    // its TTL: after it, the instance alone is read again (and the DNS view, which also wakes the wait).
    instance = await requireInstance(ctx, cluster, instanceId, epoch);
    dns = await dnsOf();
  }
  watch?.cancel();
  if (knownVersion === instance.generation) {
    return { changed: false, version: instance.generation, status: instance.status, ...(dns && { dns }) };
  }
  const since = knownVersion ?? 0;
  const fresh = Object.values(instance.assignments)
    .filter((a) => a.desiredStatus === 'RUNNING' && (a.assignedGeneration ?? Number.MAX_SAFE_INTEGER) > since)
    .slice(0, MAX_SPECS_PER_POLL);
  return {
    changed: true,
    version: instance.generation,
    status: instance.status,
    assignments: Object.values(instance.assignments).map((a): AssignmentView => ({
      taskId: a.taskId,
      taskArn: arns.task(ctx.deployment, instance.clusterName, a.taskId),
      taskDefinitionArn: a.taskDefinitionArn,
      desiredStatus: a.desiredStatus,
    })),
    ...(options.withSpecs === true && fresh.length > 0 && { specs: await specsOf(ctx, cluster, fresh) }),
    ...(dns && { dns }),
  };
}

/** The specs of tasks just assigned, as far as their items are written. */
async function specsOf(ctx: ControlContext, cluster: string, fresh: readonly Assignment[]): Promise<TaskSpec[]> {
  const found = await writtenTasks(ctx, cluster, fresh);
  const policy = await clusterPolicyOf(ctx.store, cluster);
  return Promise.all(
    found.map(async (task) =>
      specFor(ctx, cluster, task.value, await revisionOf(ctx, task.value.taskDefinitionArn), policy),
    ),
  );
}

/** Pauses between reads while a just-assigned task's item is not yet there (about 0.4 s in all). */
const TASK_WRITE_WAITS_MS = [10, 25, 50, 100, 200];
/** An assignment older than this whose task is missing is not waited for: its task is not coming. */
const TASK_WRITE_WINDOW_MS = 5_000;

/**
 * The tasks of assignments, as far as they are written. Placement writes an
 * assignment first and its task right after, so a reader can fall between
 * the two; the tasks of fresh assignments are waited for briefly, which
 * spares the agent a request and a poll interval.
 */
async function writtenTasks(
  ctx: ControlContext,
  cluster: string,
  assigned: readonly Assignment[],
): Promise<Versioned<Task>[]> {
  const keyOf = (a: Assignment) => tasks.key(cluster, a.taskId);
  const found = await ctx.store.getMany(tasks, assigned.map(keyOf));
  for (const pause of TASK_WRITE_WAITS_MS) {
    const have = new Set(found.map((t) => t.value.taskId));
    const now = ctx.clock.now();
    const awaited = assigned.filter((a) => !have.has(a.taskId) && now - a.assignedAt < TASK_WRITE_WINDOW_MS);
    if (awaited.length === 0) break;
    await ctx.clock.sleep(pause);
    found.push(...(await ctx.store.getMany(tasks, awaited.map(keyOf))));
  }
  return found;
}

async function requireInstance(
  ctx: ControlContext,
  cluster: string,
  instanceId: string,
  epoch: number | undefined,
): Promise<ContainerInstance> {
  const found = await ctx.store.get(containerInstances, containerInstances.key(cluster, instanceId));
  if (!found || found.value.status === 'INACTIVE') {
    throw new AgentError(404, 'InstanceNotFound', `Container instance ${instanceId} is not registered`);
  }
  if (epoch !== undefined && epoch !== found.value.epoch) {
    throw new AgentError(
      409,
      'InstanceFenced',
      `Epoch ${epoch} is stale; the instance is at epoch ${found.value.epoch}`,
    );
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
  const cluster = agentCluster(ctx.deployment, clusterRef);
  const instance = await requireInstance(ctx, cluster, instanceId, undefined);
  const assignment = instance.assignments[taskId];
  if (!assignment) {
    throw new AgentError(403, 'TaskNotAssigned', `Task ${taskId} is not assigned to instance ${instanceId}`);
  }
  const [task] = await writtenTasks(ctx, cluster, [assignment]);
  // Still not written: the agent is told to ask again, not that the task does
  // not exist. An assignment whose task never comes is released by the
  // scheduler, and the agent's next poll drops it.
  if (!task) throw new AgentError(503, 'TaskNotReady', `Task ${taskId} is assigned but not yet written; ask again`);
  return specFor(
    ctx,
    cluster,
    task.value,
    await revisionOf(ctx, task.value.taskDefinitionArn),
    await clusterPolicyOf(ctx.store, cluster),
  );
}

function specFor(
  ctx: ControlContext,
  cluster: string,
  task: Task,
  definition: TaskDefinition,
  policy: TaskSpec['policy'],
): TaskSpec {
  const explicitCpu = definition.cpu !== undefined || task.overrides.cpu !== undefined;
  const explicitMemory = definition.memory !== undefined || task.overrides.memory !== undefined;
  return {
    taskId: task.taskId,
    taskArn: arns.task(ctx.deployment, cluster, task.taskId),
    clusterName: cluster,
    desiredStatus: task.desiredStatus,
    family: definition.family,
    revision: definition.revision,
    networkMode: definition.networkMode,
    containerDefinitions: definition.containerDefinitions,
    volumes: definition.volumes ?? [],
    ...(explicitCpu && { cpu: task.cpu }),
    ...(explicitMemory && { memory: task.memory }),
    overrides: task.overrides,
    ...(definition.pidMode !== undefined && { pidMode: definition.pidMode }),
    ...(definition.ipcMode !== undefined && { ipcMode: definition.ipcMode }),
    ...(policy !== undefined && { policy }),
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
  const cluster = agentCluster(ctx.deployment, clusterRef);
  const instance = await requireInstance(ctx, cluster, report.instanceId, report.epoch);
  const outcome = await applyTaskReport(ctx, cluster, instance, taskId, report, undefined);
  await followUp(ctx, cluster, report.instanceId, [outcome]);
  return { applied: outcome.applied, desiredStatus: outcome.task.desiredStatus };
}

/**
 * Many reports of one instance at once: the instance is read once and the
 * tasks in one batch, and each task is written at the version read, so a
 * report costs one write. Each report succeeds or fails on its own.
 */
export async function reportTaskStates(
  ctx: ControlContext,
  clusterRef: string,
  batch: TaskStateReports,
): Promise<TaskStateReportsResponse> {
  const cluster = agentCluster(ctx.deployment, clusterRef);
  const instance = await requireInstance(ctx, cluster, batch.instanceId, batch.epoch);
  const known = new Map(
    (
      await ctx.store.getMany(
        tasks,
        batch.reports.map((r) => tasks.key(cluster, r.taskId)),
      )
    ).map((t) => [t.value.taskId, t]),
  );
  const outcomes: ReportOutcome[] = [];
  const results = await Promise.all(
    batch.reports.map(async ({ taskId, report }): Promise<TaskStateReportsResponse['results'][number]> => {
      try {
        const full = { ...report, instanceId: batch.instanceId, epoch: batch.epoch };
        const outcome = await applyTaskReport(ctx, cluster, instance, taskId, full, known.get(taskId));
        outcomes.push(outcome);
        return { taskId, applied: outcome.applied, desiredStatus: outcome.task.desiredStatus };
      } catch (error) {
        if (error instanceof AgentError) return { taskId, error: { code: error.code, message: error.message } };
        throw error;
      }
    }),
  );
  await followUp(ctx, cluster, batch.instanceId, outcomes);
  return { results };
}

interface ReportOutcome {
  readonly task: Task;
  readonly applied: boolean;
  /** Whether the service scheduler should look: the task moved to a new status or health. */
  readonly moved: boolean;
}

async function applyTaskReport(
  ctx: ControlContext,
  cluster: string,
  instance: ContainerInstance,
  taskId: string,
  report: TaskStateReport,
  known: Versioned<Task> | undefined,
): Promise<ReportOutcome> {
  const change = (task: Task): Task | undefined => {
    const ownedHere =
      task.containerInstanceId === report.instanceId ||
      (task.containerInstanceId === undefined && instance.assignments[taskId] !== undefined);
    if (!ownedHere) {
      throw new AgentError(403, 'TaskNotAssigned', `Task ${taskId} is not assigned to instance ${report.instanceId}`);
    }
    return transition.applyReport(report, ctx.clock.now())(task);
  };
  const expiresAt = (t: Task) => stoppedTaskExpiry(ctx, t);
  if (known) {
    // The version just read is tried first: one write and no read.
    const next = change(known.value);
    if (!next) return { task: known.value, applied: false, moved: false };
    const expiry = expiresAt(next);
    const outcome = await ctx.store.tryReplace(
      tasks,
      next,
      known.version,
      expiry !== undefined ? { expiresAt: expiry } : {},
    );
    if (outcome.written)
      return { task: outcome.item.value, applied: true, moved: movedOn(known.value, outcome.item.value) };
    // Lost to another writer: read and apply again below.
  }
  let before: Task | undefined;
  const stored = await updateWithRetry(
    ctx.store,
    tasks,
    tasks.key(cluster, taskId),
    (task) => {
      const next = change(task);
      before = next && task;
      return next;
    },
    { expiresAt },
  );
  if (!stored) throw new AgentError(404, 'TaskNotFound', `Task ${taskId} does not exist`);
  return {
    task: stored.value,
    applied: before !== undefined,
    moved: before !== undefined && movedOn(before, stored.value),
  };
}

/** Stopped tasks give their capacity back; the scheduler hears of what it waits on. */
async function followUp(ctx: ControlContext, cluster: string, instanceId: string, outcomes: readonly ReportOutcome[]) {
  let reason: string | undefined;
  for (const { task, applied, moved } of outcomes) {
    if (task.lastStatus === 'STOPPED') {
      await releaseAssignment(ctx, cluster, instanceId, task.taskId);
      if (applied) reason = 'TaskStopped';
    } else if (moved && task.group?.startsWith('service:')) {
      // A service's rollout waits on its tasks becoming RUNNING and HEALTHY.
      reason ??= 'service task changed';
    }
  }
  if (reason !== undefined) await ctx.reconcile.requestReconcile(cluster, reason);
}

function movedOn(before: Task, after: Task): boolean {
  return before.lastStatus !== after.lastStatus || before.healthStatus !== after.healthStatus;
}
