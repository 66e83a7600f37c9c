import type { z } from 'zod';
import { arns, clusterName, resourceId, type Deployment } from '../domain/arn.ts';
import { containerInstances, instanceLeases } from '../domain/collections.ts';
import { InvalidParameterError, VersionConflictError } from '../domain/errors.ts';
import type { Attribute, ContainerInstance } from '../schemas/container-instance.ts';
import type { deregisterContainerInstanceRequest, listContainerInstancesRequest } from '../schemas/ecs-requests.ts';
import type { RegisterInstanceRequest } from '../schemas/agent-api.ts';
import type { Versioned } from '../ports/store.ts';
import type { ControlContext } from './context.ts';
import { optionalAfter, requireActiveCluster } from './clusters.ts';
import { listMatching, updateWithRetry } from './listing.ts';
import { decodeToken, encodeToken, pageSize } from './pagination.ts';
import { AgentError } from '../domain/errors.ts';
import { fleetChanged } from './direct-placement.ts';
import { lastHeard, startLease, writeLease } from './lease.ts';

/**
 * Registers a host, or re-attaches one that kept its id across a restart.
 * A re-attaching agent keeps its assignments and learns the current epoch;
 * its resources and attributes are refreshed from what it reports now.
 */
export async function registerInstance(
  ctx: ControlContext,
  clusterRef: string,
  request: RegisterInstanceRequest,
): Promise<Versioned<ContainerInstance>> {
  const cluster = (await requireActiveCluster(ctx, clusterRef)).value.clusterName;
  const now = ctx.clock.now();
  const registered = {
    cpu: request.resources.cpu,
    memory: request.resources.memory,
    ports: request.resources.reservedPorts,
    portsUdp: request.resources.reservedPortsUdp,
  };
  if (request.instanceId !== undefined) {
    const updated = await updateWithRetry(
      ctx.store,
      containerInstances,
      containerInstances.key(cluster, request.instanceId),
      (i) => {
        if (i.status === 'INACTIVE') {
          throw new AgentError(404, 'InstanceNotFound', `Container instance ${i.id} was deregistered`);
        }
        return {
          ...i,
          registered,
          attributes: mergeAttributes(i.attributes, request.attributes),
          agentVersion: request.agentVersion,
          ...(request.dockerVersion !== undefined && { dockerVersion: request.dockerVersion }),
          ...(request.ec2InstanceId !== undefined && { ec2InstanceId: request.ec2InstanceId }),
          heartbeatAt: now,
          agentConnected: true,
          generation: i.generation + 1,
        };
      },
    );
    fleetChanged(ctx, cluster);
    if (!updated)
      throw new AgentError(404, 'InstanceNotFound', `Container instance ${request.instanceId} is not registered`);
    await startLease(ctx, cluster, updated.value.id);
    return updated;
  }
  const instance: ContainerInstance = {
    id: ctx.ids.next(),
    clusterName: cluster,
    status: 'ACTIVE',
    ...(request.ec2InstanceId !== undefined && { ec2InstanceId: request.ec2InstanceId }),
    registered,
    attributes: request.attributes,
    assignments: {},
    agentVersion: request.agentVersion,
    ...(request.dockerVersion !== undefined && { dockerVersion: request.dockerVersion }),
    registeredAt: now,
    heartbeatAt: now,
    agentConnected: true,
    generation: 1,
    epoch: 1,
  };
  const created = await ctx.store.create(containerInstances, instance);
  await startLease(ctx, cluster, instance.id);
  fleetChanged(ctx, cluster);
  await ctx.reconcile.requestReconcile(cluster, 'RegisterContainerInstance');
  return created;
}

/**
 * The cluster of an agent call, without reading the cluster item: agents
 * call every few seconds, and the instance item they read anyway says all
 * that matters (a cluster cannot be deleted while instances are registered
 * in it, and a deregistered instance is INACTIVE).
 */
export function agentCluster(d: Deployment, clusterRef: string): string {
  return clusterName(d, clusterRef);
}

/**
 * On re-registration the agent's report of its own attributes wins, and
 * attributes users set with PutAttributes that the agent does not send are
 * kept: an agent restart must not erase them.
 */
export function mergeAttributes(stored: readonly Attribute[], reported: readonly Attribute[]): Attribute[] {
  const names = new Set(reported.map((a) => a.name));
  return [...reported, ...stored.filter((a) => !names.has(a.name) && !a.name.startsWith('ecs.'))];
}

/**
 * The agent's heartbeat. Its lease (./lease.ts) is renewed only when older
 * than half the TTL, so most polls cost two small reads and no write, and a
 * renewal is one small write whatever the host runs. A lease the monitor has
 * fenced (it is declaring the instance disconnected) answers InstanceFenced,
 * so the agent registers again rather than renewing past that decision.
 */
export async function heartbeat(
  ctx: ControlContext,
  clusterRef: string,
  instanceId: string,
  epoch: number,
): Promise<ContainerInstance> {
  const cluster = agentCluster(ctx.deployment, clusterRef);
  const key = containerInstances.key(cluster, instanceId);
  for (let attempt = 0; ; attempt++) {
    const [current, lease] = await Promise.all([
      ctx.store.get(containerInstances, key),
      ctx.store.get(instanceLeases, instanceLeases.key(cluster, instanceId)),
    ]);
    const instance = current?.value;
    if (!current || !instance || instance.status === 'INACTIVE') {
      throw new AgentError(404, 'InstanceNotFound', `Container instance ${instanceId} is not registered`);
    }
    if (epoch !== instance.epoch) {
      throw new AgentError(
        409,
        'InstanceFenced',
        `Epoch ${epoch} is stale; the instance is at epoch ${instance.epoch}`,
      );
    }
    // Only registration connects an instance: one disconnected (its epoch is
    // raised with it) or being disconnected (its lease fenced) registers again.
    if (lease?.value.fenced || !instance.agentConnected) {
      throw new AgentError(
        409,
        'InstanceFenced',
        `Container instance ${instanceId} is being declared disconnected; register again`,
      );
    }
    const now = ctx.clock.now();
    if (now - lastHeard(instance, lease?.value) < ctx.settings.heartbeatTtlMs / 2) return instance;
    const renewed = { clusterName: cluster, instanceId, renewedAt: now, fenced: false };
    if (await writeLease(ctx, cluster, instanceId, lease, () => renewed)) return instance;
    if (attempt >= 5) throw new VersionConflictError(`The lease of container instance ${instanceId} kept changing`);
  }
}

export async function listContainerInstances(
  ctx: ControlContext,
  request: z.infer<typeof listContainerInstancesRequest>,
): Promise<{ instances: ContainerInstance[]; nextToken?: string }> {
  if (request.filter !== undefined) {
    throw new InvalidParameterError('The filter parameter (cluster query language) is not supported yet');
  }
  const cluster = (await requireActiveCluster(ctx, request.cluster)).value.clusterName;
  const status = request.status;
  const page = await listMatching(ctx.store, containerInstances, containerInstances.partition(cluster), {
    limit: pageSize(request.maxResults),
    ...optionalAfter(decodeToken(`instances/${cluster}`, request.nextToken)),
    match: (i) => (status === undefined ? i.status !== 'INACTIVE' : i.status === status),
  });
  return {
    instances: page.items.map((i) => i.value),
    ...(page.next !== undefined && { nextToken: encodeToken(`instances/${cluster}`, page.next) }),
  };
}

export async function describeContainerInstances(
  ctx: ControlContext,
  clusterRef: string | undefined,
  refs: readonly string[],
): Promise<{ instances: ContainerInstance[]; missing: string[] }> {
  const cluster = (await requireActiveCluster(ctx, clusterRef)).value.clusterName;
  const ids = refs.map((r) => resourceId(ctx.deployment, r, 'container-instance', cluster));
  const found = await ctx.store.getMany(
    containerInstances,
    ids.map((id) => containerInstances.key(cluster, id)),
  );
  const byId = new Map(found.map((f) => [f.value.id, f.value]));
  const instances: ContainerInstance[] = [];
  const missing: string[] = [];
  ids.forEach((id, i) => {
    const instance = byId.get(id);
    if (instance) instances.push(instance);
    // ECS names a missing instance by the ARN it would have, whatever form was asked.
    else missing.push(arns.containerInstance(ctx.deployment, cluster, id));
  });
  return { instances, missing };
}

/**
 * Deregistration marks the instance INACTIVE. Without `force`, an instance
 * that still has tasks is refused; with it, its tasks are stopped by the
 * next reconcile (the agent is told it is no longer registered).
 */
export async function deregisterContainerInstance(
  ctx: ControlContext,
  request: z.infer<typeof deregisterContainerInstanceRequest>,
): Promise<ContainerInstance> {
  const cluster = (await requireActiveCluster(ctx, request.cluster)).value.clusterName;
  const id = resourceId(ctx.deployment, request.containerInstance, 'container-instance', cluster);
  const updated = await updateWithRetry(ctx.store, containerInstances, containerInstances.key(cluster, id), (i) => {
    if (i.status === 'INACTIVE') return undefined;
    const live = Object.values(i.assignments).length;
    if (live > 0 && request.force !== true) {
      throw new InvalidParameterError(
        `The container instance has ${live} task(s) assigned; stop them first or deregister with force`,
      );
    }
    return { ...i, status: 'INACTIVE' as const, agentConnected: false, generation: i.generation + 1 };
  });
  if (!updated) throw new InvalidParameterError('The referenced container instance was not found.');
  fleetChanged(ctx, cluster);
  ctx.changes?.changed(cluster, [id]);
  await ctx.reconcile.requestReconcile(cluster, 'DeregisterContainerInstance');
  return updated.value;
}

/**
 * DRAINING stops new placements on an instance; its service tasks are
 * replaced elsewhere first and then stopped. ACTIVE takes it back.
 */
export async function updateContainerInstancesState(
  ctx: ControlContext,
  clusterRef: string | undefined,
  refs: readonly string[],
  status: 'ACTIVE' | 'DRAINING',
): Promise<{ instances: ContainerInstance[]; missing: string[] }> {
  const cluster = (await requireActiveCluster(ctx, clusterRef)).value.clusterName;
  const instances: ContainerInstance[] = [];
  const missing: string[] = [];
  for (const ref of refs) {
    const id = resourceId(ctx.deployment, ref, 'container-instance', cluster);
    const updated = await updateWithRetry(ctx.store, containerInstances, containerInstances.key(cluster, id), (i) => {
      if (i.status === 'INACTIVE' || i.status === status) return undefined;
      return { ...i, status, generation: i.generation + 1 };
    });
    if (!updated || updated.value.status === 'INACTIVE')
      missing.push(arns.containerInstance(ctx.deployment, cluster, id));
    else instances.push(updated.value);
  }
  fleetChanged(ctx, cluster);
  // Their agents learn of a drain (and take no new work) at once.
  ctx.changes?.changed(
    cluster,
    instances.map((i) => i.id),
  );
  await ctx.reconcile.requestReconcile(cluster, `UpdateContainerInstancesState ${status}`);
  return { instances, missing };
}
