import { arns, type Deployment } from '#shared/domain/arn.ts';
import type { CapacityProvider } from '#shared/schemas/capacity-provider.ts';

/** ECS's CapacityProvider shape; Berth's providers are all of the EC2 (Auto Scaling group) kind. */
export function presentCapacityProvider(d: Deployment, p: CapacityProvider): Record<string, unknown> {
  return {
    capacityProviderArn: arns.capacityProvider(d, p.name),
    name: p.name,
    status: p.status,
    type: 'EC2_AUTOSCALING',
    autoScalingGroupProvider: {
      autoScalingGroupArn: p.autoScalingGroupArn,
      managedScaling: p.managedScaling,
      managedTerminationProtection: p.managedTerminationProtection,
      managedDraining: p.managedDraining,
    },
    ...(p.updateStatus !== undefined && { updateStatus: p.updateStatus }),
    tags: p.tags,
  };
}
