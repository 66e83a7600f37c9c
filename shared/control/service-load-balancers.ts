import type { z } from 'zod';
import { checkLoadBalancers } from '../domain/load-balancer-rules.ts';
import type { ServiceLoadBalancer } from '../schemas/service-load-balancer.ts';
import type { loadBalancers as loadBalancersRequest } from '../schemas/traffic-requests.ts';
import type { ControlContext } from './context.ts';
import { findTaskDefinition } from './task-definitions.ts';

/**
 * A service's load balancers checked against the task definition its tasks
 * will run. The definition is read only when there is something to check,
 * so services without load balancers pay nothing.
 */
export async function checkedLoadBalancers(
  ctx: Pick<ControlContext, 'store' | 'deployment'>,
  requested: z.infer<typeof loadBalancersRequest>,
  taskDefinitionArn: string,
): Promise<ServiceLoadBalancer[]> {
  if (requested.length === 0) return [];
  // An EXTERNAL service has no task definition until a task set is PRIMARY.
  const definition = taskDefinitionArn === '' ? undefined : (await findTaskDefinition(ctx, taskDefinitionArn)).value;
  return checkLoadBalancers(requested, definition);
}
