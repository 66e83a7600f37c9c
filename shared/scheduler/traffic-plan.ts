import type { ContainerInstance } from '../schemas/container-instance.ts';
import type { Service } from '../schemas/service.ts';
import type { ServiceLoadBalancer } from '../schemas/service-load-balancer.ts';
import type { Task } from '../schemas/task.ts';
import type { Target, TargetGroup, TargetHealth } from '../schemas/load-balancer-target.ts';

/** What the scheduler read of one target group for this pass. */
export type GroupView =
  | { readonly found: true; readonly group: TargetGroup; readonly current: readonly TargetHealth[] }
  | { readonly found: false; readonly reason: string };

export interface TrafficInput {
  readonly service: Service;
  /** The service's tasks, stopped ones included (a lost task is deregistered after it stopped). */
  readonly tasks: readonly Task[];
  readonly instances: ReadonlyMap<string, ContainerInstance>;
  readonly groups: ReadonlyMap<string, GroupView>;
  readonly now: number;
}

export interface TargetChange {
  readonly targetGroupArn: string;
  readonly targets: Target[];
}

export interface TrafficPlan {
  readonly register: TargetChange[];
  readonly deregister: TargetChange[];
  /** Tasks registered for the first time. */
  readonly registered: string[];
  /** Tasks deregistered, and until when each drains. */
  readonly draining: { readonly taskId: string; readonly until: number }[];
  /** Why something could not be registered, as service event messages. */
  readonly problems: string[];
}

/**
 * One level-triggered step of a service's load balancer registration:
 * compare what its tasks should be (registered when RUNNING, and HEALTHY
 * when health-checked; deregistered once stopping) with what each target
 * group holds, and say what to change. Pure: the caller calls ELBv2 and
 * writes the task marks.
 */
export function planTraffic(input: TrafficInput): TrafficPlan {
  const plan: TrafficPlan = { register: [], deregister: [], registered: [], draining: [], problems: [] };
  const delays: number[] = [];
  for (const lb of input.service.loadBalancers) {
    const view = input.groups.get(lb.targetGroupArn);
    if (!view) continue;
    if (!view.found) {
      plan.problems.push(`target group ${lb.targetGroupArn} cannot be used: ${view.reason}`);
      continue;
    }
    delays.push(view.group.deregistrationDelaySeconds);
    planGroup(input, lb, view, plan);
  }
  const leaving = input.tasks.filter((t) => isLeaving(t));
  const delayMs = Math.max(0, ...delays) * 1000;
  for (const task of leaving) {
    // A task already stopped (its host was lost) has nothing to drain: its targets go at once.
    const until = task.lastStatus === 'STOPPED' ? input.now : input.now + delayMs;
    plan.draining.push({ taskId: task.taskId, until });
  }
  const newcomers = new Set(plan.register.flatMap((c) => c.targets.map(key)));
  for (const task of input.tasks) {
    if (task.traffic !== undefined || !isServing(task)) continue;
    const reachable = input.service.loadBalancers.some((lb) => {
      const view = input.groups.get(lb.targetGroupArn);
      if (!view?.found) return false;
      const target = targetOf(task, lb, view.group, input.instances);
      return typeof target !== 'string' && (newcomers.has(key(target)) || holds(view.current, target));
    });
    if (reachable) plan.registered.push(task.taskId);
  }
  return plan;
}

function planGroup(
  input: TrafficInput,
  lb: ServiceLoadBalancer,
  view: Extract<GroupView, { found: true }>,
  plan: TrafficPlan,
): void {
  const register: Target[] = [];
  const deregister: Target[] = [];
  for (const task of input.tasks) {
    const serving = isServing(task);
    const leaving = isLeaving(task);
    if (!serving && !leaving) continue;
    const target = targetOf(task, lb, view.group, input.instances);
    if (typeof target === 'string') {
      if (serving) plan.problems.push(`(task ${task.taskId}) cannot be registered in ${lb.targetGroupArn}: ${target}`);
      continue;
    }
    if (serving && !holds(view.current, target)) register.push(target);
    if (leaving && holds(view.current, target)) deregister.push(target);
  }
  if (register.length > 0) plan.register.push({ targetGroupArn: lb.targetGroupArn, targets: register });
  if (deregister.length > 0) plan.deregister.push({ targetGroupArn: lb.targetGroupArn, targets: deregister });
}

/** Should receive traffic: running as desired, healthy when it has a health check, not draining. */
export function isServing(task: Task): boolean {
  if (task.desiredStatus !== 'RUNNING' || task.lastStatus !== 'RUNNING') return false;
  return !task.healthChecked || task.healthStatus === 'HEALTHY';
}

/** Was registered, is stopping or stopped, and has not been deregistered yet. */
function isLeaving(task: Task): boolean {
  const stopping = task.desiredStatus === 'STOPPED' || task.lastStatus === 'STOPPED';
  return stopping && task.traffic !== undefined && task.traffic.drainUntil === undefined;
}

/**
 * The task's target in a group, or why it has none. Instance targets are the
 * host's EC2 instance id and the task's host port (bridge and host modes);
 * ip targets need the task's own address, which awsvpc tasks will carry
 * (the seam is taskAddress).
 */
export function targetOf(
  task: Task,
  lb: ServiceLoadBalancer,
  group: TargetGroup,
  instances: ReadonlyMap<string, ContainerInstance>,
): Target | string {
  if (group.targetType === 'ip') {
    const address = taskAddress(task);
    return address === undefined
      ? 'target type ip needs the task’s own IP address (awsvpc network mode)'
      : { id: address, port: lb.containerPort };
  }
  if (group.targetType !== 'instance') return `target type ${group.targetType} cannot hold tasks`;
  const instance = task.containerInstanceId === undefined ? undefined : instances.get(task.containerInstanceId);
  if (instance?.ec2InstanceId === undefined) return 'its container instance has no EC2 instance id';
  const container = task.containers.find((c) => c.name === lb.containerName);
  const binding = container?.networkBindings.find((b) => b.containerPort === lb.containerPort);
  if (binding?.hostPort === undefined) return `container ${lb.containerName} has no host port for ${lb.containerPort}`;
  return { id: instance.ec2InstanceId, port: binding.hostPort };
}

/** An awsvpc task's own address (its namespace holder's, docs/networking.md); none in other modes. */
export function taskAddress(task: Task): string | undefined {
  return task.networkInterface?.privateIpv4Address;
}

function holds(current: readonly TargetHealth[], target: Target): boolean {
  return current.some((c) => c.target.id === target.id && c.target.port === target.port && c.state !== 'draining');
}

function key(target: Target): string {
  return `${target.id}:${target.port}`;
}
