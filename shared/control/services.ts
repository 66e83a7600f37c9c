import { onDisconnectOf } from '../domain/service-tags.ts';
import { refuseReservedKeys } from '../domain/tags.ts';
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { arns, serviceName } from '../domain/arn.ts';
import { services } from '../domain/collections.ts';
import { ClientError, InvalidParameterError, NotFoundError, ServiceNotActiveError } from '../domain/errors.ts';
import { deploymentLimits } from '../domain/service-rules.ts';
import type {
  CreateServiceRequest,
  UpdateServiceRequest,
  deleteServiceRequest,
  listServicesRequest,
} from '../schemas/service-requests.ts';
import type { Deployment, Service } from '../schemas/service.ts';
import type { Versioned } from '../ports/store.ts';
import { validatePlacement } from '../scheduler/pipeline.ts';
import { newDeployment } from '../scheduler/service-plan.ts';
import { label, withEvent } from '../scheduler/service-events.ts';
import type { ControlContext } from './context.ts';
import { optionalAfter, requireActiveCluster } from './clusters.ts';
import { chooseStrategy } from '../domain/capacity-strategy.ts';
import { strategyUpdate, withStrategy } from './service-capacity.ts';
import { listMatching, updateWithRetry } from './listing.ts';
import { decodeToken, encodeToken, pageSize } from './pagination.ts';
import { findTaskDefinition } from './task-definitions.ts';
import { assertClusterAllowsRef } from './cluster-policy-gate.ts';
import { assertExternalUpdate, deploymentControllerOf } from './deployment-controller.ts';
import { checkedLoadBalancers } from './service-load-balancers.ts';
import { checkedServiceRegistries } from './service-registries.ts';
import { serviceNetwork } from './service-network.ts';

/** ECS's deployment ids look like `ecs-svc/` and 19 digits. */
export function deploymentId(ctx: ControlContext): string {
  const digits = BigInt(`0x${ctx.ids.next().slice(0, 15)}`)
    .toString()
    .padStart(19, '0');
  return `ecs-svc/${digits}`;
}

export async function activeTaskDefinitionArn(ctx: ControlContext, ref: string): Promise<string> {
  const definition = (await findTaskDefinition(ctx, ref)).value;
  if (definition.status !== 'ACTIVE') {
    throw new ClientError(`TaskDefinition is inactive: ${definition.family}:${definition.revision}`);
  }
  return arns.taskDefinition(ctx.deployment, definition.family, definition.revision);
}

export async function createService(ctx: ControlContext, request: CreateServiceRequest): Promise<Service> {
  const clusterItem = (await requireActiveCluster(ctx, request.cluster)).value;
  const cluster = clusterItem.clusterName;
  const capacity = chooseStrategy(
    { launchType: request.launchType, given: request.capacityProviderStrategy },
    clusterItem,
  );
  const strategy = request.schedulingStrategy ?? 'REPLICA';
  const controller = deploymentControllerOf(request);
  const desired = strategy === 'DAEMON' ? 0 : (request.desiredCount ?? 0);
  if (desired < 0) throw new InvalidParameterError('desiredCount must be zero or more');
  if (strategy === 'DAEMON' && request.desiredCount !== undefined && request.desiredCount !== 0) {
    throw new InvalidParameterError('A DAEMON service runs one task per instance: leave desiredCount out');
  }
  if (strategy === 'DAEMON' && (request.placementStrategy?.length ?? 0) > 0) {
    throw new InvalidParameterError('Placement strategies are not supported with the DAEMON scheduling strategy');
  }
  const limits = deploymentLimits(strategy, request.deploymentConfiguration);
  validatePlacement(request.placementStrategy ?? [], request.placementConstraints ?? []);
  // An EXTERNAL service has no task definition until a task set is made PRIMARY.
  const taskDefinitionArn =
    request.taskDefinition === undefined ? '' : await activeTaskDefinitionArn(ctx, request.taskDefinition);
  if (taskDefinitionArn !== '') await assertClusterAllowsRef(ctx, cluster, taskDefinitionArn);
  const loadBalancers = await checkedLoadBalancers(ctx, request.loadBalancers ?? [], taskDefinitionArn);
  const serviceRegistries = await checkedServiceRegistries(ctx, request.serviceRegistries ?? [], taskDefinitionArn);
  const network = await serviceNetwork(ctx, taskDefinitionArn, request.networkConfiguration);
  const requestHash = createHash('sha256')
    .update(JSON.stringify({ ...request, clientToken: undefined }))
    .digest('hex');
  const now = ctx.clock.now();
  const id = deploymentId(ctx);
  refuseReservedKeys((request.tags ?? []).map((t) => t.key));
  const onDisconnect = onDisconnectOf(request.tags ?? []);
  const fresh: Service = {
    serviceName: request.serviceName,
    clusterName: cluster,
    status: 'ACTIVE',
    schedulingStrategy: strategy,
    deploymentController: controller,
    taskSets: [],
    desiredCount: desired,
    runningCount: 0,
    pendingCount: 0,
    taskDefinitionArn,
    ...limits,
    circuitBreaker: request.deploymentConfiguration?.deploymentCircuitBreaker ?? { enable: false, rollback: false },
    placementStrategy: request.placementStrategy ?? [],
    placementConstraints: request.placementConstraints ?? [],
    ...(capacity !== undefined && { capacityProviderStrategy: capacity }),
    healthCheckGracePeriodSeconds: request.healthCheckGracePeriodSeconds ?? 0,
    loadBalancers,
    serviceRegistries,
    ...(network && { networkConfiguration: network }),
    onDisconnect,
    tags: request.tags ?? [],
    ...(request.propagateTags !== undefined && { propagateTags: request.propagateTags }),
    ...(request.enableECSManagedTags !== undefined && { enableECSManagedTags: request.enableECSManagedTags }),
    ...(request.clientToken !== undefined && { clientToken: `${request.clientToken}#${requestHash}` }),
    createdAt: now,
    deployments:
      controller === 'ECS'
        ? [{ ...newDeployment(id, taskDefinitionArn, desired, now), ...(network && { networkConfiguration: network }) }]
        : [],
    history: [],
    events: [],
    reconcileSeq: 0,
    lastPass: { at: 0, started: [], stopped: [] },
  };
  const existing = await ctx.store.get(services, services.key(cluster, request.serviceName));
  if (existing && existing.value.status !== 'INACTIVE') {
    if (request.clientToken !== undefined && existing.value.clientToken === fresh.clientToken) return existing.value;
    throw new InvalidParameterError('Creation of service was not idempotent.');
  }
  const outcome = existing
    ? await ctx.store.tryReplace(services, fresh, existing.version)
    : await ctx.store.tryCreate(services, fresh);
  // Another CreateService got there first: answer as the service it wrote dictates.
  if (!outcome.written) return createService(ctx, request);
  await ctx.reconcile.requestReconcile(cluster, 'CreateService');
  return fresh;
}

export async function requireService(
  ctx: ControlContext,
  clusterRef: string | undefined,
  ref: string,
): Promise<Versioned<Service>> {
  const cluster = (await requireActiveCluster(ctx, clusterRef)).value.clusterName;
  const name = serviceName(ctx.deployment, ref, cluster);
  const found = await ctx.store.get(services, services.key(cluster, name));
  if (!found) throw new NotFoundError('service', 'Service not found.', { service: ref });
  return found;
}

export async function updateService(ctx: ControlContext, request: UpdateServiceRequest): Promise<Service> {
  const found = await requireService(ctx, request.cluster, request.service);
  if (found.value.status !== 'ACTIVE') throw new ServiceNotActiveError('Service was not ACTIVE.');
  assertExternalUpdate(found.value, request);
  if (request.desiredCount !== undefined && request.desiredCount < 0) {
    throw new InvalidParameterError('desiredCount must be zero or more');
  }
  const taskDefinitionArn =
    request.taskDefinition !== undefined ? await activeTaskDefinitionArn(ctx, request.taskDefinition) : undefined;
  if (taskDefinitionArn !== undefined) await assertClusterAllowsRef(ctx, found.value.clusterName, taskDefinitionArn);
  // A new task definition must still have the ports the target groups are given.
  const loadBalancers = await checkedLoadBalancers(
    ctx,
    request.loadBalancers ?? found.value.loadBalancers,
    taskDefinitionArn ?? found.value.taskDefinitionArn,
  );
  const registries = await checkedServiceRegistries(
    ctx,
    request.serviceRegistries ?? found.value.serviceRegistries ?? [],
    taskDefinitionArn ?? found.value.taskDefinitionArn,
  );
  // A new task definition must still suit the configuration the service keeps.
  const network =
    request.networkConfiguration !== undefined || taskDefinitionArn !== undefined
      ? await serviceNetwork(
          ctx,
          taskDefinitionArn ?? found.value.taskDefinitionArn,
          request.networkConfiguration ?? found.value.networkConfiguration,
        )
      : found.value.networkConfiguration;
  if (request.placementStrategy !== undefined || request.placementConstraints !== undefined) {
    validatePlacement(
      request.placementStrategy ?? found.value.placementStrategy,
      request.placementConstraints ?? found.value.placementConstraints,
    );
  }
  const capacity = await strategyUpdate(ctx, found.value.clusterName, request.capacityProviderStrategy);
  const now = ctx.clock.now();
  const newId = deploymentId(ctx);
  const updated = await updateWithRetry(
    ctx.store,
    services,
    services.key(found.value.clusterName, found.value.serviceName),
    (s) => {
      if (s.status !== 'ACTIVE') throw new ServiceNotActiveError('Service was not ACTIVE.');
      if (s.schedulingStrategy === 'DAEMON' && request.desiredCount !== undefined) {
        throw new InvalidParameterError('The desiredCount of a DAEMON service follows its instances and cannot be set');
      }
      const limits = deploymentLimits(s.schedulingStrategy, request.deploymentConfiguration, s);
      let next: Service = {
        ...withStrategy(s, capacity),
        ...limits,
        desiredCount: request.desiredCount ?? s.desiredCount,
        circuitBreaker: request.deploymentConfiguration?.deploymentCircuitBreaker ?? s.circuitBreaker,
        placementStrategy: request.placementStrategy ?? s.placementStrategy,
        placementConstraints: request.placementConstraints ?? s.placementConstraints,
        healthCheckGracePeriodSeconds: request.healthCheckGracePeriodSeconds ?? s.healthCheckGracePeriodSeconds,
        loadBalancers: request.loadBalancers ? loadBalancers : s.loadBalancers,
        serviceRegistries: request.serviceRegistries ? registries : s.serviceRegistries,
        ...(request.networkConfiguration !== undefined && { networkConfiguration: network }),
        ...(request.propagateTags !== undefined && { propagateTags: request.propagateTags }),
        ...(request.enableECSManagedTags !== undefined && { enableECSManagedTags: request.enableECSManagedTags }),
      };
      const target = taskDefinitionArn ?? s.taskDefinitionArn;
      // ECS starts a new deployment when the load balancer, service registry or network configuration changes.
      const trafficChanged =
        JSON.stringify([next.loadBalancers, next.serviceRegistries ?? [], next.networkConfiguration]) !==
        JSON.stringify([s.loadBalancers, s.serviceRegistries ?? [], s.networkConfiguration]);
      if (target !== s.taskDefinitionArn || request.forceNewDeployment === true || trafficChanged) {
        next = startDeployment(next, newId, target, now);
      } else if (next.deployments[0] && next.desiredCount !== s.desiredCount) {
        next = {
          ...next,
          deployments: [
            { ...next.deployments[0], desiredCount: next.desiredCount, updatedAt: now },
            ...next.deployments.slice(1),
          ],
        };
      }
      return next;
    },
  );
  if (!updated) throw new NotFoundError('service', 'Service not found.', { service: request.service });
  await ctx.reconcile.requestReconcile(found.value.clusterName, 'UpdateService');
  return updated.value;
}

/**
 * Makes a new PRIMARY deployment; the previous ones keep their tasks until
 * replaced. A rollback names the deployment it restores, whose network
 * configuration becomes the service's again.
 */
export function startDeployment(
  service: Service,
  id: string,
  taskDefinitionArn: string,
  now: number,
  rollback?: { of: string; to: Deployment },
): Service {
  const previous = service.deployments.map((d): Deployment => ({
    ...d,
    status: 'ACTIVE',
    ...(d.rolloutState === 'IN_PROGRESS' && {
      deploymentStatus: 'STOPPED' as const,
      rolloutStateReason: `Superseded by ${id}.`,
    }),
    updatedAt: now,
  }));
  const { networkConfiguration: current, ...rest } = service;
  const network = rollback ? rollback.to.networkConfiguration : current;
  const deployment: Deployment = {
    ...newDeployment(id, taskDefinitionArn, service.desiredCount, now),
    sourceIds: service.deployments.map((d) => d.id),
    ...(network && { networkConfiguration: network }),
    ...(rollback && { rollbackOf: rollback.of }),
  };
  return {
    ...rest,
    ...(network && { networkConfiguration: network }),
    taskDefinitionArn,
    deployments: [deployment, ...previous],
  };
}

export async function deleteService(
  ctx: ControlContext,
  request: z.infer<typeof deleteServiceRequest>,
): Promise<Service> {
  const found = await requireService(ctx, request.cluster, request.service);
  const updated = await updateWithRetry(
    ctx.store,
    services,
    services.key(found.value.clusterName, found.value.serviceName),
    (s) => {
      if (s.status !== 'ACTIVE') throw new ServiceNotActiveError('Service was not ACTIVE.');
      if (s.schedulingStrategy === 'REPLICA' && s.desiredCount > 0 && request.force !== true) {
        throw new InvalidParameterError('The service cannot be stopped while it is scaled above 0.');
      }
      const draining: Service = { ...s, status: 'DRAINING', desiredCount: 0 };
      return withEvent(draining, `${label(s)} is being deleted.`, ctx.clock.now(), ctx.ids.next());
    },
  );
  if (!updated) throw new NotFoundError('service', 'Service not found.', { service: request.service });
  await ctx.reconcile.requestReconcile(found.value.clusterName, 'DeleteService');
  return updated.value;
}

export async function describeServices(
  ctx: ControlContext,
  clusterRef: string | undefined,
  refs: readonly string[],
): Promise<{ services: Service[]; missing: string[] }> {
  const cluster = (await requireActiveCluster(ctx, clusterRef)).value.clusterName;
  const names = refs.map((r) => serviceName(ctx.deployment, r, cluster));
  const found = await ctx.store.getMany(
    services,
    names.map((n) => services.key(cluster, n)),
  );
  const byName = new Map(found.map((f) => [f.value.serviceName, f.value]));
  const result: Service[] = [];
  const missing: string[] = [];
  names.forEach((n, i) => {
    const s = byName.get(n);
    if (s) result.push(s);
    // ECS names a missing service by the ARN it would have, whatever form was asked.
    else missing.push(arns.service(ctx.deployment, cluster, n));
  });
  return { services: result, missing };
}

export async function listServices(
  ctx: ControlContext,
  request: z.infer<typeof listServicesRequest>,
): Promise<{ services: Service[]; nextToken?: string }> {
  const cluster = (await requireActiveCluster(ctx, request.cluster)).value.clusterName;
  const page = await listMatching(ctx.store, services, services.partition(cluster), {
    limit: pageSize(request.maxResults),
    ...optionalAfter(decodeToken(`services/${cluster}`, request.nextToken)),
    match: (s) =>
      s.status !== 'INACTIVE' &&
      (request.schedulingStrategy === undefined || s.schedulingStrategy === request.schedulingStrategy) &&
      (request.launchType === undefined || request.launchType === 'EC2'),
  });
  return {
    services: page.items.map((i) => i.value),
    ...(page.next !== undefined && { nextToken: encodeToken(`services/${cluster}`, page.next) }),
  };
}
