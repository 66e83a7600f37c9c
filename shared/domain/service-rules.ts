import { InvalidParameterError } from './errors.ts';
import type { DeploymentConfiguration } from '../schemas/service.ts';

export interface DeploymentLimits {
  readonly minimumHealthyPercent: number;
  readonly maximumPercent: number;
}

/**
 * ECS's defaults: a REPLICA service keeps 100% healthy and may run up to 200%
 * during a deployment; a DAEMON service replaces in place (0% / 100%).
 */
export function deploymentLimits(
  strategy: 'REPLICA' | 'DAEMON',
  config: DeploymentConfiguration | undefined,
  current?: DeploymentLimits,
): DeploymentLimits {
  const fallback =
    current ??
    (strategy === 'DAEMON'
      ? { minimumHealthyPercent: 0, maximumPercent: 100 }
      : { minimumHealthyPercent: 100, maximumPercent: 200 });
  const limits = {
    minimumHealthyPercent: config?.minimumHealthyPercent ?? fallback.minimumHealthyPercent,
    maximumPercent: config?.maximumPercent ?? fallback.maximumPercent,
  };
  if (limits.minimumHealthyPercent > limits.maximumPercent) {
    throw new InvalidParameterError(
      `minimumHealthyPercent (${limits.minimumHealthyPercent}) must not be above maximumPercent (${limits.maximumPercent})`,
    );
  }
  if (strategy === 'REPLICA' && limits.maximumPercent < 100) {
    throw new InvalidParameterError(
      `maximumPercent (${limits.maximumPercent}) must be at least 100 for a REPLICA service`,
    );
  }
  if (strategy === 'DAEMON' && limits.maximumPercent !== 100) {
    throw new InvalidParameterError('A DAEMON service runs one task per instance: maximumPercent must be 100');
  }
  return limits;
}

/** How many healthy tasks a deployment must keep: ECS rounds the minimum up. */
export function minimumHealthy(desired: number, limits: DeploymentLimits): number {
  return Math.ceil((desired * limits.minimumHealthyPercent) / 100);
}

/** How many tasks may run at once during a deployment: ECS rounds the maximum down. */
export function maximumRunning(desired: number, limits: DeploymentLimits): number {
  return Math.max(Math.floor((desired * limits.maximumPercent) / 100), desired === 0 ? 0 : 1);
}

/**
 * The deployment circuit breaker's failure threshold: half the desired
 * count, at least 3 and at most 200 (ECS's formula).
 */
export function circuitBreakerThreshold(desired: number): number {
  return Math.min(200, Math.max(3, Math.ceil(desired * 0.5)));
}

/**
 * How long to wait before starting tasks again after repeated start
 * failures: nothing for the first two, then 10 s doubling to 5 minutes.
 */
export function launchBackoffMs(recentFailures: number): number {
  if (recentFailures < 3) return 0;
  return Math.min(300_000, 10_000 * 2 ** (recentFailures - 3));
}
