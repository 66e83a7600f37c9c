import type { ControlContext } from './context.ts';
import type { Deployment } from '../domain/arn.ts';
import { clusters, scalableTargets, services } from '../domain/collections.ts';
import type { Versioned } from '../ports/store.ts';
import { SCALABLE_DIMENSION, type ScalableTarget } from '../schemas/scaling.ts';
import { invalid, notFound } from './scaling-errors.ts';

/** A scalable target's identity as the requests name it. */
export interface TargetRef {
  readonly ServiceNamespace: string;
  readonly ResourceId: string;
  readonly ScalableDimension: string;
}

export interface ServiceRef {
  readonly cluster: string;
  readonly service: string;
  readonly resourceId: string;
}

/** Berth scales ECS services only; other namespaces are refused as the API refuses a bad value. */
export function requireEcsNamespace(namespace: string): void {
  if (namespace !== 'ecs') {
    throw invalid(`Unsupported service namespace ${namespace}: Berth scales the ecs namespace only`);
  }
}

export function parseResourceId(resourceId: string): ServiceRef {
  const match = /^service\/([A-Za-z0-9_-]{1,255})\/([A-Za-z0-9_-]{1,255})$/.exec(resourceId);
  if (!match) {
    throw invalid(`Unsupported resource ID ${resourceId}: an ECS service is named service/<cluster>/<service>`);
  }
  return { cluster: match[1] ?? '', service: match[2] ?? '', resourceId };
}

/** Namespace, resource id and dimension checked together, as every operation on one target does. */
export function targetRef(ref: TargetRef): ServiceRef {
  requireEcsNamespace(ref.ServiceNamespace);
  const service = parseResourceId(ref.ResourceId);
  requireDimension(ref.ScalableDimension);
  return service;
}

export function requireDimension(dimension: string): void {
  if (dimension !== SCALABLE_DIMENSION) {
    throw invalid(`Unsupported scalable dimension ${dimension}: an ECS service scales ${SCALABLE_DIMENSION}`);
  }
}

export function noTarget(ref: ServiceRef): Error {
  return notFound(
    `No scalable target registered for service namespace: ecs, resource ID: ${ref.resourceId}, scalable dimension: ${SCALABLE_DIMENSION}`,
  );
}

export async function requireTarget(ctx: ControlContext, ref: ServiceRef): Promise<Versioned<ScalableTarget>> {
  const found = await ctx.store.get(scalableTargets, scalableTargets.key(`${ref.cluster}/${ref.service}`));
  if (!found) throw noTarget(ref);
  return found;
}

/** The target's service must exist and be active, as Application Auto Scaling checks at registration. */
export async function requireActiveService(ctx: ControlContext, ref: ServiceRef): Promise<void> {
  const cluster = await ctx.store.get(clusters, clusters.key(ref.cluster));
  const service = cluster ? await ctx.store.get(services, services.key(ref.cluster, ref.service)) : undefined;
  if (!service || service.value.status !== 'ACTIVE') throw invalid(`ECS service doesn't exist: ${ref.resourceId}`);
}

export function resourceIdOf(target: Pick<ScalableTarget, 'clusterName' | 'serviceName'>): string {
  return `service/${target.clusterName}/${target.serviceName}`;
}

function scalingArnPrefix(d: Deployment): string {
  return `arn:${d.partition}:application-autoscaling:${d.region}:${d.accountId}`;
}

export function scalableTargetArn(d: Deployment, id: string): string {
  return `${scalingArnPrefix(d)}:scalable-target/${id}`;
}

/** Policy and scheduled-action ARNs keep Application Auto Scaling's `autoscaling` service name. */
export function scalingChildArn(
  d: Deployment,
  kind: 'scalingPolicy' | 'scheduledAction',
  id: string,
  resourceId: string,
  name: string,
): string {
  const label = kind === 'scalingPolicy' ? 'policyName' : 'scheduledActionName';
  return `arn:${d.partition}:autoscaling:${d.region}:${d.accountId}:${kind}:${id}:resource/ecs/${resourceId}:${label}/${name}`;
}

/** A UUID-shaped id from the context's generator, for the ids Application Auto Scaling writes as UUIDs. */
export function uuid(ctx: ControlContext): string {
  const hex = ctx.ids.next();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
