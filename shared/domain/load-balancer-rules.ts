import type { z } from 'zod';
import type { ServiceLoadBalancer } from '../schemas/service-load-balancer.ts';
import type { TaskDefinition } from '../schemas/task-definition.ts';
import type { loadBalancers as loadBalancersRequest } from '../schemas/traffic-requests.ts';
import { InvalidParameterError } from './errors.ts';

type Requested = z.infer<typeof loadBalancersRequest>[number];

/**
 * Checks a service's `loadBalancers` against the task definition its tasks
 * run, with ECS's wording, and answers them as Berth stores them. Throws
 * before anything is written. (Compact on purpose: this is in the api
 * bundle, which is at its size budget.)
 */
export function checkLoadBalancers(
  requested: readonly Requested[],
  definition: TaskDefinition | undefined,
): ServiceLoadBalancer[] {
  const seen = new Set<string>();
  return requested.map((lb) => {
    const { targetGroupArn: arn, containerName: name, containerPort: port } = lb;
    const container = definition?.containerDefinitions.find((c) => c.name === name);
    const refusal =
      lb.loadBalancerName !== undefined
        ? // Berth registers targets through ELBv2 only: a Classic Load Balancer has no target groups.
          'loadBalancerName is not supported by Berth: use targetGroupArn'
        : lb.advancedConfiguration !== undefined
          ? 'advancedConfiguration is not supported'
          : arn === undefined || name === undefined || port === undefined
            ? 'targetGroupArn, containerName and containerPort are required'
            : seen.has(arn)
              ? `Target group ${arn} is given twice`
              : definition && !container
                ? `The container ${name} does not exist in the task definition`
                : definition && !container?.portMappings?.some((p) => p.containerPort === port)
                  ? `The container ${name} did not have a container port ${port} defined`
                  : undefined;
    if (refusal !== undefined) throw new InvalidParameterError(`${refusal}.`);
    seen.add(arn!);
    return { targetGroupArn: arn!, containerName: name!, containerPort: port! };
  });
}
