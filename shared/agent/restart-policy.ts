import type { ContainerDefinition } from '../schemas/task-definition.ts';
import type { ContainerState } from './task-model.ts';

/** ECS's default restartAttemptPeriod, in seconds. */
export const DEFAULT_RESTART_ATTEMPT_PERIOD = 300;

/** A container's restart policy as the agent keeps it: present only when enabled. */
export type ContainerRestartRule = NonNullable<ContainerState['restartRule']>;

export function restartRule(definition: ContainerDefinition): ContainerRestartRule | undefined {
  const policy = definition.restartPolicy;
  if (!policy?.enabled) return undefined;
  return {
    ignoredExitCodes: [...(policy.ignoredExitCodes ?? [])],
    attemptPeriodSeconds: policy.restartAttemptPeriod ?? DEFAULT_RESTART_ATTEMPT_PERIOD,
  };
}

/**
 * Whether a container that just exited with `exitCode` is restarted in
 * place, as ECS's agent decides it: the policy is enabled, the task is
 * meant to run, the code is not ignored, and the container ran at least the
 * attempt period since it started (or since its last restart, if any). A
 * container that keeps failing sooner than that is not restarted again:
 * it stops, and an essential one stops its task.
 */
export function shouldRestart(
  container: Pick<ContainerState, 'restartRule' | 'startedAt' | 'lastRestartAt'>,
  exitCode: number | undefined,
  taskMeantToRun: boolean,
  now: number,
): boolean {
  const rule = container.restartRule;
  if (!rule || !taskMeantToRun || exitCode === undefined) return false;
  if (rule.ignoredExitCodes.includes(exitCode)) return false;
  const since = container.lastRestartAt ?? container.startedAt;
  if (since === undefined) return false;
  return now - since >= rule.attemptPeriodSeconds * 1000;
}
