import { HOST_ADDRESS_ATTRIBUTE } from '../schemas/instance-attributes.ts';
import type { ContainerInstance } from '../schemas/container-instance.ts';
import type { Service } from '../schemas/service.ts';
import type { RegisteredInstance, RegistryLookup, ServiceRegistry } from '../schemas/service-registry.ts';
import type { Task } from '../schemas/task.ts';
import { taskAddress } from './traffic-plan.ts';

export interface DiscoveryInput {
  readonly service: Service;
  readonly registry: ServiceRegistry;
  readonly lookup: RegistryLookup;
  /** What the Cloud Map service holds now. */
  readonly current: readonly RegisteredInstance[];
  /** Custom health statuses by instance id (HealthCheckCustomConfig only). */
  readonly health: Readonly<Record<string, string>>;
  /** The service's tasks, stopped ones included (a lost task is deregistered after it stopped). */
  readonly tasks: readonly Task[];
  readonly instances: ReadonlyMap<string, ContainerInstance>;
}

export interface DiscoveryPlan {
  readonly register: RegisteredInstance[];
  /** Instance (task) ids to deregister. */
  readonly deregister: string[];
  readonly health: { readonly id: string; readonly status: 'HEALTHY' | 'UNHEALTHY' }[];
  /** Tasks in the registry for the first time: their stop waits for their deregistration. */
  readonly registered: string[];
  /** Leaving tasks being deregistered: shown DEACTIVATING until a pass sees them gone. */
  readonly deactivating: string[];
  /** Leaving tasks no longer in the registry: their stop can go ahead. */
  readonly released: string[];
  /** Why something could not be registered, as service event messages. */
  readonly problems: string[];
}

/** The Cloud Map service id in a registry ARN (`arn:aws:servicediscovery:…:service/srv-…`). */
export function registryServiceId(registryArn: string): string {
  return registryArn.slice(registryArn.lastIndexOf('/') + 1);
}

/**
 * One level-triggered step of a service's Cloud Map registration: a task is
 * an instance while it is RUNNING (and HEALTHY when health-checked, unless
 * the Cloud Map service takes custom health, which is then reported
 * instead); any other task of the service the registry holds is
 * deregistered. Pure: the caller calls Cloud Map and writes the task marks.
 */
export function planDiscovery(input: DiscoveryInput): DiscoveryPlan {
  const plan: DiscoveryPlan = {
    register: [],
    deregister: [],
    health: [],
    registered: [],
    deactivating: [],
    released: [],
    problems: [],
  };
  const { lookup } = input;
  if (!lookup.found) {
    plan.problems.push(`service registry ${input.registry.registryArn} cannot be used: ${lookup.reason}`);
    // Nothing to deregister from: a leaving task is not held for it.
    plan.released.push(...input.tasks.filter(isLeaving).map((t) => t.taskId));
    return plan;
  }
  const held = new Map(input.current.map((i) => [i.id, i]));
  for (const task of input.tasks) {
    const present = held.get(task.taskId);
    if (!member(task, lookup.customHealth)) {
      if (present) plan.deregister.push(task.taskId);
      if (isLeaving(task)) (present ? plan.deactivating : plan.released).push(task.taskId);
      continue;
    }
    const wanted = instanceOf(task, input);
    if (typeof wanted === 'string') {
      plan.problems.push(`(task ${task.taskId}) cannot be registered in ${input.registry.registryArn}: ${wanted}`);
      continue;
    }
    if (!present || !sameEndpoint(present, wanted)) plan.register.push(wanted);
    if (task.traffic === undefined) plan.registered.push(task.taskId);
    if (lookup.customHealth && task.healthChecked) {
      const status = task.healthStatus === 'HEALTHY' ? 'HEALTHY' : 'UNHEALTHY';
      if (input.health[task.taskId] !== status) plan.health.push({ id: task.taskId, status });
    }
  }
  return plan;
}

/** Belongs in the registry: running as desired, and healthy when health-checked (unless health is reported). */
function member(task: Task, customHealth: boolean): boolean {
  if (task.desiredStatus !== 'RUNNING' || task.lastStatus !== 'RUNNING') return false;
  return customHealth || !task.healthChecked || task.healthStatus === 'HEALTHY';
}

/** Was registered, is stopping or stopped, and has not been released yet. */
function isLeaving(task: Task): boolean {
  const stopping = task.desiredStatus === 'STOPPED' || task.lastStatus === 'STOPPED';
  return stopping && task.traffic !== undefined && task.traffic.drainUntil === undefined;
}

/**
 * The task as a Cloud Map instance, or why it cannot be one: an awsvpc task
 * at its own address and the container port (or the registry's `port`), a
 * bridge or host task at its host's address and the host port of the
 * registry's container port.
 */
export function instanceOf(
  task: Task,
  input: Pick<DiscoveryInput, 'registry' | 'service' | 'instances'>,
): RegisteredInstance | string {
  const { registry } = input;
  const own = taskAddress(task);
  const host = task.containerInstanceId === undefined ? undefined : input.instances.get(task.containerInstanceId);
  const address = own ?? host?.attributes.find((a) => a.name === HOST_ADDRESS_ATTRIBUTE)?.value;
  if (address === undefined) return `its container instance has no ${HOST_ADDRESS_ATTRIBUTE} attribute`;
  let port: number | undefined = own === undefined ? undefined : (registry.port ?? registry.containerPort);
  if (own === undefined && registry.containerName !== undefined) {
    const container = task.containers.find((c) => c.name === registry.containerName);
    port = container?.networkBindings.find((b) => b.containerPort === registry.containerPort)?.hostPort;
    if (port === undefined) return `container ${registry.containerName} has no host port for ${registry.containerPort}`;
  }
  return {
    id: task.taskId,
    attributes: {
      AWS_INSTANCE_IPV4: address,
      ...(port !== undefined && { AWS_INSTANCE_PORT: String(port) }),
      ECS_CLUSTER_NAME: input.service.clusterName,
      ECS_SERVICE_NAME: input.service.serviceName,
      ...(host?.ec2InstanceId !== undefined && { EC2_INSTANCE_ID: host.ec2InstanceId }),
    },
  };
}

function sameEndpoint(a: RegisteredInstance, b: RegisteredInstance): boolean {
  return (
    a.attributes.AWS_INSTANCE_IPV4 === b.attributes.AWS_INSTANCE_IPV4 &&
    a.attributes.AWS_INSTANCE_PORT === b.attributes.AWS_INSTANCE_PORT
  );
}
