import type { ContainerReport, TaskStateReport } from '../schemas/agent-api.ts';
import { taskHealth } from './health.ts';
import { reportedContainerStatus } from './lifecycle.ts';
import type { ContainerState, TaskState } from './task-model.ts';

/** A report without the fields the reporter fills in when it sends (identity, epoch, seq). */
export type ReportBody = Omit<TaskStateReport, 'instanceId' | 'epoch' | 'seq'>;

const MAX_REASON = 1024;

function clip(text: string): string {
  return text.length > MAX_REASON ? `${text.slice(0, MAX_REASON - 3)}...` : text;
}

function containerReport(c: ContainerState): ContainerReport {
  return {
    name: c.name,
    ...(c.runtimeId ? { runtimeId: c.runtimeId } : {}),
    ...(c.imageDigest ? { imageDigest: c.imageDigest } : {}),
    lastStatus: reportedContainerStatus(c.status),
    ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}),
    ...(c.reason ? { reason: clip(c.reason) } : {}),
    ...(c.networkBindings.length > 0 ? { networkBindings: c.networkBindings } : {}),
    ...(c.hasHealthCheck ? { healthStatus: c.health ?? 'UNKNOWN' } : {}),
  };
}

/** The state report for a task as it stands; states are cumulative, so the latest says it all. */
export function buildReport(task: TaskState, containers: readonly ContainerState[]): ReportBody {
  return {
    lastStatus: task.status,
    containers: containers.map(containerReport),
    healthStatus: taskHealth(containers),
    ...(task.pullStartedAt !== undefined ? { pullStartedAt: task.pullStartedAt } : {}),
    ...(task.pullStoppedAt !== undefined ? { pullStoppedAt: task.pullStoppedAt } : {}),
    ...(task.startedAt !== undefined ? { startedAt: task.startedAt } : {}),
    ...(task.executionStoppedAt !== undefined ? { executionStoppedAt: task.executionStoppedAt } : {}),
    ...(task.stopCode ? { stopCode: task.stopCode } : {}),
    ...(task.stoppedReason ? { stoppedReason: clip(task.stoppedReason) } : {}),
    ...networkInterface(task, containers),
  };
}

/** An awsvpc task's address is its namespace holder's, the one container of the task with an address of its own. */
function networkInterface(
  task: TaskState,
  containers: readonly ContainerState[],
): Pick<ReportBody, 'networkInterface'> {
  if (task.spec?.networkMode !== 'awsvpc') return {};
  const holder = containers.find((c) => c.privateIpv4Address !== undefined);
  if (!holder?.privateIpv4Address) return {};
  return {
    networkInterface: {
      privateIpv4Address: holder.privateIpv4Address,
      ...(holder.macAddress ? { macAddress: holder.macAddress } : {}),
    },
  };
}

/**
 * Equal fingerprints mean there is nothing new to tell the control plane.
 * Pull timestamps are left out: they ride along with the next report rather
 * than cost a request of their own.
 */
export function reportFingerprint(report: ReportBody): string {
  const { pullStartedAt: _started, pullStoppedAt: _stopped, ...rest } = report;
  return JSON.stringify(rest);
}

/**
 * Whether a task's state is worth a report at all. A task still PENDING on
 * the host tells the control plane nothing it does not know (it placed the
 * task), so the first report is RUNNING, or STOPPING/STOPPED for a task that
 * never got that far.
 */
export function isReportable(task: Pick<TaskState, 'status'>): boolean {
  return task.status !== 'PROVISIONING' && task.status !== 'PENDING';
}
