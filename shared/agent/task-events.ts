import type { TaskSpec } from '../schemas/agent-api.ts';
import type { HostPortChoice } from './container-config.ts';
import type { NetworkBinding, Observed } from './observe.ts';
import type { ContainerState, ContainerStep } from './task-model.ts';
import type { AgentStopCode } from '../schemas/stop-codes.ts';

/**
 * Everything that can happen to a task on the host, as data. The reducer
 * (apply-event.ts) folds these into the task; nothing else changes it.
 */
export type TaskEvent =
  /** The control plane's wish, from a poll or a report's answer. */
  | { readonly type: 'desired'; readonly desiredStatus: 'RUNNING' | 'STOPPED' }
  | { readonly type: 'spec-loaded'; readonly spec: TaskSpec; readonly containers: readonly ContainerState[] }
  /** nextActions decided the task must stop (or the agent drains). */
  | { readonly type: 'stop-decided'; readonly stopCode?: AgentStopCode; readonly reason?: string }
  | { readonly type: 'step-began'; readonly container: string; readonly step: ContainerStep }
  /** The engine was unreachable: nothing happened, try again when it is back. */
  | { readonly type: 'step-deferred'; readonly container: string }
  | { readonly type: 'step-failed'; readonly container: string; readonly step: ContainerStep; readonly message: string }
  | { readonly type: 'pulled'; readonly container: string; readonly imageDigest?: string }
  | {
      readonly type: 'created';
      readonly container: string;
      readonly runtimeId: string;
      readonly hostPorts: readonly HostPortChoice[];
    }
  | {
      readonly type: 'started';
      readonly container: string;
      readonly observed?: Observed;
      /** Bindings the engine does not report (host networking). */
      readonly networkBindings?: readonly NetworkBinding[];
    }
  | { readonly type: 'stop-done'; readonly container: string; readonly observed?: Observed }
  /** The container was started again in place by its restart policy. */
  | { readonly type: 'restarted'; readonly container: string; readonly observed?: Observed }
  | { readonly type: 'abandoned'; readonly container: string }
  /** What the engine says now (an event, a resync, an adoption). */
  | { readonly type: 'observed'; readonly container: string; readonly observed: Observed }
  /** The engine has no such container any more. */
  | { readonly type: 'vanished'; readonly container: string }
  | { readonly type: 'report-queued'; readonly fingerprint: string }
  | { readonly type: 'report-answered'; readonly seq: number }
  | { readonly type: 'removed' };

/** Why a container could not run, in the words ECS uses. */
export const FAILURE_PREFIX: Readonly<Record<ContainerStep, string>> = {
  pull: 'CannotPullContainerError',
  create: 'CannotCreateContainerError',
  start: 'CannotStartContainerError',
  stop: 'CannotStopContainerError',
  restart: 'CannotStartContainerError',
};

export const VANISHED_REASON = 'Container was removed from the host outside Berth';
