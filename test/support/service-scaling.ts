import { awsCli } from './aws-cli.ts';
import type { Boto3Target } from './boto3.ts';

/** The AWS CLI arguments naming a service's desired count as a scalable target. */
export function scalableTargetArgs(cluster: string, service: string): string[] {
  return [
    '--service-namespace',
    'ecs',
    '--resource-id',
    `service/${cluster}/${service}`,
    '--scalable-dimension',
    'ecs:service:DesiredCount',
  ];
}

/**
 * Registers a service's desired count between `min` and `max` and puts the
 * target tracking policy `cpu50` (50 % ECSServiceAverageCPUUtilization)
 * with the cooldowns given, through the AWS CLI as an operator would.
 */
export async function trackCpuAtHalf(
  target: Boto3Target,
  cluster: string,
  service: string,
  bounds: { min: number; max: number },
  cooldowns: { ScaleOutCooldown?: number; ScaleInCooldown?: number } = {},
): Promise<void> {
  const args = scalableTargetArgs(cluster, service);
  const scaling = (...rest: string[]) => awsCli(target, 'application-autoscaling', ...rest);
  await scaling(
    'register-scalable-target',
    ...args,
    '--min-capacity',
    `${bounds.min}`,
    '--max-capacity',
    `${bounds.max}`,
  );
  await scaling(
    'put-scaling-policy',
    ...args,
    '--policy-name',
    'cpu50',
    '--policy-type',
    'TargetTrackingScaling',
    '--target-tracking-scaling-policy-configuration',
    JSON.stringify({
      TargetValue: 50,
      PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
      ...cooldowns,
    }),
  );
}
