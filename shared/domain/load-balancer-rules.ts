import type { z } from 'zod';
import { MAX_SERVICE_TARGET_GROUPS, type ServiceLoadBalancer } from '../schemas/service-load-balancer.ts';
import type { TaskDefinition } from '../schemas/task-definition.ts';
import type { loadBalancers as loadBalancersRequest } from '../schemas/traffic-requests.ts';
import { InvalidParameterError } from './errors.ts';

type Requested = z.infer<typeof loadBalancersRequest>[number];

/** arn:<partition>:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id> */
const TARGET_GROUP_ARN =
  /^arn:[a-z-]+:elasticloadbalancing:[a-z0-9-]+:\d{12}:targetgroup\/[A-Za-z0-9-]{1,32}\/[0-9a-f]+$/;

/**
 * Checks a service's `loadBalancers` against the task definition its tasks
 * run, with ECS's wording, and answers them as Berth stores them. Throws
 * before anything is written.
 */
export function checkLoadBalancers(
  requested: readonly Requested[],
  definition: TaskDefinition | undefined,
): ServiceLoadBalancer[] {
  if (requested.length > MAX_SERVICE_TARGET_GROUPS) {
    throw new InvalidParameterError(
      `A service can have at most ${MAX_SERVICE_TARGET_GROUPS} target groups in loadBalancers; ${requested.length} were given.`,
    );
  }
  const checked = requested.map((lb) => checkOne(lb, definition));
  const seen = new Set<string>();
  for (const lb of checked) {
    if (seen.has(lb.targetGroupArn)) {
      throw new InvalidParameterError(`Target group ${lb.targetGroupArn} appears more than once in loadBalancers.`);
    }
    seen.add(lb.targetGroupArn);
  }
  return checked;
}

function checkOne(lb: Requested, definition: TaskDefinition | undefined): ServiceLoadBalancer {
  if (lb.loadBalancerName !== undefined) {
    // Berth registers targets through ELBv2 only; a Classic Load Balancer has no target groups.
    throw new InvalidParameterError(
      'loadBalancerName (a Classic Load Balancer) is not supported by Berth; give the targetGroupArn of an Application or Network Load Balancer target group.',
    );
  }
  if (lb.advancedConfiguration !== undefined) {
    throw new InvalidParameterError(
      'advancedConfiguration is for blue/green deployments, which Berth does not run; only rolling deployments are supported.',
    );
  }
  if (lb.targetGroupArn === undefined) throw new InvalidParameterError('Target group ARN can not be blank.');
  if (!TARGET_GROUP_ARN.test(lb.targetGroupArn)) {
    throw new InvalidParameterError(`Invalid target group ARN: ${lb.targetGroupArn}.`);
  }
  if (lb.containerName === undefined) throw new InvalidParameterError('Container Name can not be blank.');
  if (lb.containerPort === undefined) throw new InvalidParameterError('Container Port can not be blank.');
  if (definition !== undefined) assertPortOf(definition, lb.containerName, lb.containerPort);
  return { targetGroupArn: lb.targetGroupArn, containerName: lb.containerName, containerPort: lb.containerPort };
}

function assertPortOf(definition: TaskDefinition, containerName: string, containerPort: number): void {
  const container = definition.containerDefinitions.find((c) => c.name === containerName);
  if (!container)
    throw new InvalidParameterError(`The container ${containerName} does not exist in the task definition.`);
  const mapped = (container.portMappings ?? []).some((p) => p.containerPort === containerPort);
  if (!mapped) {
    throw new InvalidParameterError(
      `The container ${containerName} did not have a container port ${containerPort} defined.`,
    );
  }
}

/** Whether two load balancer lists differ, in which case ECS starts a new deployment. */
export function sameLoadBalancers(a: readonly ServiceLoadBalancer[], b: readonly ServiceLoadBalancer[]): boolean {
  const key = (l: ServiceLoadBalancer) => `${l.targetGroupArn}|${l.containerName}|${l.containerPort}`;
  return a.length === b.length && a.every((l, i) => key(l) === key(b[i] as ServiceLoadBalancer));
}
