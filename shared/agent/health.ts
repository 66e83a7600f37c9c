import type { HealthCheck } from '../schemas/task-definition.ts';
import type { RuntimeHealth, RuntimeHealthCheck } from '../ports/container-runtime.ts';
import type { ContainerState } from './task-model.ts';

export type HealthStatus = 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';

/** ECS's defaults for a health check's timings, in seconds. */
export const HEALTH_CHECK_DEFAULTS = { interval: 30, timeout: 5, retries: 3, startPeriod: 0 } as const;

/**
 * An ECS health check as the engine's. ECS commands start with `CMD` (an
 * argv) or `CMD-SHELL` (one shell line), which is the engine's own form; a
 * command without either prefix is run through the shell, joined by spaces.
 * `["NONE"]` means no check.
 */
export function toRuntimeHealthCheck(check: HealthCheck | undefined): RuntimeHealthCheck | undefined {
  if (!check) return undefined;
  const [first] = check.command;
  if (first === 'NONE') return undefined;
  const test = first === 'CMD' || first === 'CMD-SHELL' ? check.command : ['CMD-SHELL', check.command.join(' ')];
  // A bare CMD or CMD-SHELL names nothing to run.
  if (test.length < 2) return undefined;
  return {
    test,
    intervalSeconds: check.interval ?? HEALTH_CHECK_DEFAULTS.interval,
    timeoutSeconds: check.timeout ?? HEALTH_CHECK_DEFAULTS.timeout,
    retries: check.retries ?? HEALTH_CHECK_DEFAULTS.retries,
    startPeriodSeconds: check.startPeriod ?? HEALTH_CHECK_DEFAULTS.startPeriod,
  };
}

/** The engine's health as ECS's: a check still in its start period is UNKNOWN. */
export function fromRuntimeHealth(health: RuntimeHealth): HealthStatus {
  if (health === 'healthy') return 'HEALTHY';
  if (health === 'unhealthy') return 'UNHEALTHY';
  return 'UNKNOWN';
}

/**
 * A task's health from its essential containers: UNHEALTHY if any is,
 * HEALTHY if all of those with a check are, UNKNOWN otherwise (including
 * when none has a check, as ECS reports it).
 */
export function taskHealth(containers: readonly ContainerState[]): HealthStatus {
  const checked = containers.filter((c) => c.essential && c.hasHealthCheck);
  if (checked.some((c) => c.health === 'UNHEALTHY')) return 'UNHEALTHY';
  if (checked.length > 0 && checked.every((c) => c.health === 'HEALTHY')) return 'HEALTHY';
  return 'UNKNOWN';
}
