import * as z from 'zod';

/**
 * A service's load balancer as Berth keeps it: an ELBv2 target group and the
 * container port whose host side (or task IP) is registered in it. Classic
 * Load Balancers (`loadBalancerName`) are refused at the call, so the target
 * group is always known.
 */
export const serviceLoadBalancer = z.object({
  targetGroupArn: z.string().min(1),
  containerName: z.string().min(1),
  containerPort: z.number().int().min(1).max(65535),
});
export type ServiceLoadBalancer = z.infer<typeof serviceLoadBalancer>;

/** ECS attaches at most five target groups to one service. */
export const MAX_SERVICE_TARGET_GROUPS = 5;
