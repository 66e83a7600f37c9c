import * as z from 'zod';
import { epochMs, name255 } from './common.ts';
import { agentStopCode } from './stop-code-schemas.ts';
import { attribute } from './container-instance.ts';
import { healthStatus, networkBinding, taskOverride, taskStatus } from './task.ts';
import { containerDefinition, networkMode, volume } from './task-definition.ts';
import { clusterPolicy } from './cluster-policy.ts';
import { MAX_REPORTS_PER_REQUEST } from './agent-api-limits.ts';
import { pollMetrics } from './task-metrics.ts';
import { dnsRecords } from './dns-view.ts';
import { lazySchema } from './lazy-schema.ts';

/**
 * The agent's own JSON API, under /agent/v1/. It is small on purpose: one
 * request per interval (poll) carries the heartbeat and returns the
 * assignments, and state reports are at-least-once with a per-task sequence.
 *
 *   POST /agent/v1/clusters/{cluster}/instances                 register
 *   POST /agent/v1/clusters/{cluster}/instances/{id}/poll       heartbeat + assignments
 *   GET  /agent/v1/clusters/{cluster}/tasks/{taskId}            what to run for a task
 *   POST /agent/v1/clusters/{cluster}/tasks/{taskId}/state      report task state
 *   POST /agent/v1/clusters/{cluster}/instances/{id}/reports    report many tasks' states
 */

export const registerInstanceRequest = lazySchema(() =>
  z.strictObject({
    /** Set when re-attaching after a restart: the id the agent kept on disk. */
    instanceId: z
      .string()
      .regex(/^[a-zA-Z0-9-]{1,64}$/)
      .optional(),
    ec2InstanceId: z.string().max(64).optional(),
    resources: z.strictObject({
      cpu: z.number().int().positive(),
      memory: z.number().int().positive(),
      /** Host TCP ports that must never be handed out (sshd, the agent's own, ...). */
      reservedPorts: z.array(z.number().int().min(1).max(65535)).max(100).default([]),
      reservedPortsUdp: z.array(z.number().int().min(1).max(65535)).max(100).default([]),
    }),
    attributes: z.array(attribute).max(100).default([]),
    agentVersion: z.string().max(64),
    dockerVersion: z.string().max(64).optional(),
  }),
);
export type RegisterInstanceRequest = z.infer<typeof registerInstanceRequest>;

export const registerInstanceResponse = lazySchema(() =>
  z.object({
    instanceId: z.string(),
    containerInstanceArn: z.string(),
    epoch: z.number().int().nonnegative(),
    pollIntervalSeconds: z.number().positive(),
  }),
);
export type RegisterInstanceResponse = z.infer<typeof registerInstanceResponse>;

/** Everything the agent needs to start a task. */
export const taskSpec = lazySchema(() =>
  z.object({
    taskId: z.string(),
    taskArn: z.string(),
    clusterName: name255,
    desiredStatus: z.enum(['RUNNING', 'STOPPED']),
    family: z.string(),
    revision: z.number().int(),
    networkMode: networkMode,
    containerDefinitions: z.array(containerDefinition),
    volumes: z.array(volume).default([]),
    /** Task-level limits in cpu units and MiB, when the task definition sets them. */
    cpu: z.number().int().optional(),
    memory: z.number().int().optional(),
    overrides: taskOverride,
    /** `host` shares the host's PID namespace (when the cluster's policy allows it). */
    pidMode: z.enum(['host', 'task']).optional(),
    /** `task`: the task's containers share one IPC namespace; `host`: the host's (when the policy allows it). */
    ipcMode: z.enum(['host', 'task', 'none']).optional(),
    /**
     * The cluster's security policy in force for this task: the agent checks
     * the task against it again and applies its hardening (pids limit, default
     * memory). Absent from older control planes: the agent then applies the
     * secure default.
     */
    policy: clusterPolicy.optional(),
  }),
);
export type TaskSpec = z.infer<typeof taskSpec>;

/** Longest a poll may be held open waiting for a change. */
export const MAX_POLL_WAIT_SECONDS = 20;

export const pollRequest = lazySchema(() =>
  z.strictObject({
    epoch: z.number().int().nonnegative(),
    /** The assignments version the agent already holds; unchanged means a short answer. */
    knownVersion: z.number().int().nonnegative().optional(),
    /**
     * When nothing changed, hold the answer up to this long for a change (a
     * long poll). A control plane that cannot (Lambda) answers at once; the
     * agent then simply polls at its interval.
     */
    waitSeconds: z.number().min(0).max(MAX_POLL_WAIT_SECONDS).optional(),
    /** Ask for the specs of tasks assigned since `knownVersion` in the answer. */
    withSpecs: z.boolean().optional(),
    /**
     * Whether the host's container engine answers. UNRESPONSIVE: it refuses
     * connections or holds calls past their deadline, so nothing on the host
     * can be started, stopped or observed until it recovers.
     */
    engineStatus: z.enum(['RESPONSIVE', 'UNRESPONSIVE']).optional(),
    /** The latest resource sample of each running task, riding on the poll (docs/services.md, Metrics). */
    metrics: pollMetrics.optional(),
    /** The DNS view serial the agent holds (0: none); sent only by agents serving the view. */
    dnsSerial: z.number().int().nonnegative().optional(),
  }),
);
export type PollRequest = z.infer<typeof pollRequest>;

/**
 * Other instances whose containers an agent found on its host (the host's
 * earlier life, whose state directory was lost, or another agent sharing
 * the engine). The answer says, per instance, whether an agent still
 * answers for it: registered, connected and its lease current.
 */
export const foreignInstancesRequest = lazySchema(() =>
  z.strictObject({
    epoch: z.number().int().nonnegative(),
    instanceIds: z
      .array(z.string().regex(/^[a-zA-Z0-9-]{1,64}$/))
      .min(1)
      .max(100),
  }),
);
export type ForeignInstancesRequest = z.infer<typeof foreignInstancesRequest>;

export const foreignInstancesResponse = lazySchema(() =>
  z.object({
    instances: z.array(z.object({ instanceId: z.string(), live: z.boolean() })),
  }),
);
export type ForeignInstancesResponse = z.infer<typeof foreignInstancesResponse>;

export const assignmentView = lazySchema(() =>
  z.object({
    taskId: z.string(),
    taskArn: z.string(),
    taskDefinitionArn: z.string(),
    desiredStatus: z.enum(['RUNNING', 'STOPPED']),
  }),
);
export type AssignmentView = z.infer<typeof assignmentView>;

export const pollResponse = lazySchema(() =>
  z.discriminatedUnion('changed', [
    z.object({
      changed: z.literal(false),
      version: z.number().int(),
      status: z.string(),
      /** With `dnsSerial`: the cluster's DNS view, when it is newer than the agent's. */
      dns: dnsRecords.optional(),
    }),
    z.object({
      changed: z.literal(true),
      version: z.number().int(),
      /** ACTIVE, DRAINING or INACTIVE: a draining agent takes no new work. */
      status: z.string(),
      assignments: z.array(assignmentView),
      /**
       * With `withSpecs`: the specs of RUNNING tasks assigned since the
       * agent's version, so it need not fetch them one by one. A task may be
       * missing here (not yet written, or beyond the answer's limit); the
       * agent fetches those as before.
       */
      specs: z.array(taskSpec).optional(),
      dns: dnsRecords.optional(),
    }),
  ]),
);
export type PollResponse = z.infer<typeof pollResponse>;

export const containerReport = lazySchema(() =>
  z.strictObject({
    name: z.string(),
    runtimeId: z.string().optional(),
    imageDigest: z.string().optional(),
    lastStatus: taskStatus,
    exitCode: z.number().int().optional(),
    reason: z.string().max(1024).optional(),
    networkBindings: z.array(networkBinding).optional(),
    healthStatus: healthStatus.optional(),
  }),
);
export type ContainerReport = z.infer<typeof containerReport>;

export const taskStateReport = lazySchema(() =>
  z.strictObject({
    instanceId: z.string(),
    epoch: z.number().int().nonnegative(),
    /** Per task, strictly increasing; the control plane ignores anything not newer. */
    seq: z.number().int().positive(),
    lastStatus: taskStatus,
    containers: z.array(containerReport),
    healthStatus: healthStatus.optional(),
    pullStartedAt: epochMs.optional(),
    pullStoppedAt: epochMs.optional(),
    startedAt: epochMs.optional(),
    executionStoppedAt: epochMs.optional(),
    stopCode: agentStopCode.optional(),
    stoppedReason: z.string().max(1024).optional(),
    /**
     * An awsvpc task's own address on its host, from its RUNNING report on.
     * Absent from older agents and from tasks in other network modes.
     */
    networkInterface: z
      .strictObject({ privateIpv4Address: z.string().min(1).max(64), macAddress: z.string().max(64).optional() })
      .optional(),
  }),
);
export type TaskStateReport = z.infer<typeof taskStateReport>;

/** Many tasks' reports from one instance in one request. */
export const taskStateReports = lazySchema(() =>
  z.strictObject({
    instanceId: z.string(),
    epoch: z.number().int().nonnegative(),
    reports: z
      .array(z.strictObject({ taskId: z.string(), report: taskStateReport.omit({ instanceId: true, epoch: true }) }))
      .min(1)
      .max(MAX_REPORTS_PER_REQUEST),
  }),
);
export type TaskStateReports = z.infer<typeof taskStateReports>;

export const taskStateResponse = lazySchema(() =>
  z.object({
    /** False when the report was older than what the control plane holds (a replay). */
    applied: z.boolean(),
    desiredStatus: z.enum(['RUNNING', 'STOPPED']),
  }),
);
export type TaskStateResponse = z.infer<typeof taskStateResponse>;

/** Errors on the agent API: `{ code, message }` with an HTTP status. */
export const agentError = lazySchema(() => z.object({ code: z.string(), message: z.string() }));

/** Per report, in the order sent: how it was taken, or why it was refused. */
export const taskStateReportsResponse = lazySchema(() =>
  z.object({
    results: z.array(
      z.union([
        z.object({ taskId: z.string(), applied: z.boolean(), desiredStatus: z.enum(['RUNNING', 'STOPPED']) }),
        z.object({ taskId: z.string(), error: agentError }),
      ]),
    ),
  }),
);
export type TaskStateReportsResponse = z.infer<typeof taskStateReportsResponse>;
