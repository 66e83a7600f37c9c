import * as z from 'zod';
import { arns, resourceId, type Deployment } from '../domain/arn.ts';
import { containerInstances } from '../domain/collections.ts';
import { ClientError, InvalidParameterError, NotFoundError } from '../domain/errors.ts';
import type { Attribute, ContainerInstance } from '../schemas/container-instance.ts';
import type {
  AttributeRequestItem,
  DeleteAttributesRequest,
  ListAttributesRequest,
  PutAttributesRequest,
} from '../schemas/attribute-requests.ts';
import type { ControlContext } from './context.ts';
import { requireActiveCluster } from './clusters.ts';
import { fleetChanged } from './direct-placement.ts';
import { updateWithRetry } from './listing.ts';
import { decodeToken, encodeToken, pageSize } from './pagination.ts';

/**
 * Attributes of container instances, as ECS's PutAttributes,
 * DeleteAttributes and ListAttributes serve them.
 *
 * Attributes feed placement only (memberOf expressions, spread by attribute),
 * so changing them does not raise the instance's `generation`: the agent has
 * nothing to act on. Each change is one conditional write of the instance
 * item, retried on a lost race like every other instance update, and asks
 * for a reconcile, since it may make waiting work placeable.
 */

/** ECS's limit on custom (not `ecs.`) attributes per resource. */
export const MAX_CUSTOM_ATTRIBUTES = 10;

/**
 * More custom attributes on one resource than ECS allows. A ClientError, so
 * it reads as ClientException until the API edge maps it to ECS's own
 * AttributeLimitExceededException.
 */
export class AttributeLimitExceededError extends ClientError {
  readonly limit = MAX_CUSTOM_ATTRIBUTES;
}

/** An attribute as the ECS API returns it: the target named by its ARN. */
export interface AttributeView {
  readonly name: string;
  readonly value?: string;
  readonly targetType: 'container-instance';
  readonly targetId: string;
}

/**
 * `ecs.` names belong to the agent (ecs.os-type, ecs.availability-zone, ...).
 * Compared without case, so `ECS.instance-type` cannot pass for a user's own.
 */
export function isBuiltIn(name: string): boolean {
  return name.toLowerCase().startsWith('ecs.');
}

export async function putAttributes(ctx: ControlContext, request: PutAttributesRequest): Promise<AttributeView[]> {
  for (const item of request.attributes) refuseBuiltIn(item.name);
  const cluster = (await requireActiveCluster(ctx, request.cluster)).value.clusterName;
  const targeted = request.attributes.map((item) => ({
    item,
    instanceId: targetInstanceId(ctx.deployment, cluster, item),
  }));
  const byTarget = groupByTarget(targeted);
  const found = await requireTargets(ctx, cluster, [...byTarget.keys()]);
  // Checked on what was just read before anything is written, so a request
  // over the limit on any target changes none of them.
  for (const [instanceId, items] of byTarget) withAttributes(found.get(instanceId) as ContainerInstance, items);
  let changed = false;
  for (const [instanceId, items] of byTarget) {
    const written = await updateInstance(ctx, cluster, instanceId, (instance) => withAttributes(instance, items));
    changed ||= written;
  }
  if (changed) {
    fleetChanged(ctx, cluster);
    await ctx.reconcile.requestReconcile(cluster, 'PutAttributes');
  }
  return targeted.map((t) => view(ctx, cluster, t.instanceId, t.item));
}

/** Deleting an attribute the instance does not have is not an error: the outcome is the same. */
export async function deleteAttributes(
  ctx: ControlContext,
  request: DeleteAttributesRequest,
): Promise<AttributeView[]> {
  for (const item of request.attributes) refuseBuiltIn(item.name);
  const cluster = (await requireActiveCluster(ctx, request.cluster)).value.clusterName;
  const targeted = request.attributes.map((item) => ({
    item,
    instanceId: targetInstanceId(ctx.deployment, cluster, item),
  }));
  const byTarget = groupByTarget(targeted);
  await requireTargets(ctx, cluster, [...byTarget.keys()]);
  let changed = false;
  for (const [instanceId, items] of byTarget) {
    const names = new Set(items.map((i) => i.name));
    const written = await updateInstance(ctx, cluster, instanceId, (instance) => {
      const kept = instance.attributes.filter((a) => !names.has(a.name));
      return kept.length === instance.attributes.length ? undefined : { ...instance, attributes: kept };
    });
    changed ||= written;
  }
  if (changed) {
    fleetChanged(ctx, cluster);
    await ctx.reconcile.requestReconcile(cluster, 'DeleteAttributes');
  }
  return targeted.map((t) => view(ctx, cluster, t.instanceId, t.item));
}

const INSTANCES_PER_READ = 100;
const resumePoint = z.tuple([z.string(), z.string()]);

/**
 * One page of attributes across the cluster's instances: instances in id
 * order, each one's attributes in name order. nextToken holds the last
 * (instance, name) returned, so a page continues where the last one stopped
 * even if attributes came or went in between.
 */
export async function listAttributes(
  ctx: ControlContext,
  request: ListAttributesRequest,
): Promise<{ attributes: AttributeView[]; nextToken?: string }> {
  if (request.attributeValue !== undefined && request.attributeName === undefined) {
    throw new InvalidParameterError('attributeValue can only be used together with attributeName');
  }
  const cluster = (await requireActiveCluster(ctx, request.cluster)).value.clusterName;
  const limit = pageSize(request.maxResults);
  const listing = `attributes/${cluster}`;
  const resume = readResumePoint(decodeToken(listing, request.nextToken));
  const found: { instanceId: string; attribute: Attribute }[] = [];
  const take = (instance: ContainerInstance, afterName: string | undefined): void => {
    if (instance.status === 'INACTIVE') return;
    for (const attribute of sortedByName(instance.attributes)) {
      if (afterName !== undefined && !(attribute.name > afterName)) continue;
      if (request.attributeName !== undefined && attribute.name !== request.attributeName) continue;
      if (request.attributeValue !== undefined && attribute.value !== request.attributeValue) continue;
      found.push({ instanceId: instance.id, attribute });
    }
  };
  if (resume) {
    const first = await ctx.store.get(containerInstances, containerInstances.key(cluster, resume.instanceId));
    if (first) take(first.value, resume.name);
  }
  // One match beyond the page tells whether a nextToken is due.
  let after = resume?.instanceId;
  while (found.length <= limit) {
    const page = await ctx.store.query(containerInstances, containerInstances.partition(cluster), {
      ...(after !== undefined && { after }),
      limit: INSTANCES_PER_READ,
    });
    for (const item of page.items) take(item.value, undefined);
    if (page.lastSort === undefined) break;
    after = page.lastSort;
  }
  const shown = found.slice(0, limit);
  const last = shown[shown.length - 1];
  return {
    attributes: shown.map((f) => view(ctx, cluster, f.instanceId, f.attribute)),
    ...(found.length > limit &&
      last !== undefined && {
        nextToken: encodeToken(listing, JSON.stringify([last.instanceId, last.attribute.name])),
      }),
  };
}

function readResumePoint(after: string | undefined): { instanceId: string; name: string } | undefined {
  if (after === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(after);
  } catch {
    throw new InvalidParameterError('Invalid nextToken');
  }
  const point = resumePoint.safeParse(parsed);
  if (!point.success) throw new InvalidParameterError('Invalid nextToken');
  return { instanceId: point.data[0], name: point.data[1] };
}

function sortedByName(attributes: readonly Attribute[]): Attribute[] {
  return [...attributes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The request's attributes by the instance they name, in request order (the last of equal names wins). */
function groupByTarget(
  targeted: readonly { item: AttributeRequestItem; instanceId: string }[],
): Map<string, AttributeRequestItem[]> {
  const byTarget = new Map<string, AttributeRequestItem[]>();
  for (const { item, instanceId } of targeted) byTarget.set(instanceId, [...(byTarget.get(instanceId) ?? []), item]);
  return byTarget;
}

function targetInstanceId(d: Deployment, cluster: string, item: AttributeRequestItem): string {
  if (item.targetId === undefined) {
    throw new InvalidParameterError(`Attribute '${item.name}' needs a targetId (a container instance id or ARN)`);
  }
  const isArn = item.targetId.startsWith('arn:');
  if (!isArn && item.targetType === undefined) {
    throw new InvalidParameterError(`Attribute '${item.name}': targetType is required when targetId is not an ARN`, {
      targetId: item.targetId,
    });
  }
  return resourceId(d, item.targetId, 'container-instance', cluster);
}

function refuseBuiltIn(name: string): void {
  if (isBuiltIn(name)) {
    throw new InvalidParameterError(
      `Attribute '${name}' is a built-in attribute set by the container agent; names starting with 'ecs.' cannot be changed`,
      { attribute: name },
    );
  }
}

/** Every target must exist before any is written, so a typo changes nothing. */
async function requireTargets(
  ctx: ControlContext,
  cluster: string,
  ids: readonly string[],
): Promise<Map<string, ContainerInstance>> {
  const found = await ctx.store.getMany(
    containerInstances,
    ids.map((id) => containerInstances.key(cluster, id)),
  );
  const active = new Map(found.filter((f) => f.value.status !== 'INACTIVE').map((f) => [f.value.id, f.value]));
  const missing = ids.find((id) => !active.has(id));
  if (missing !== undefined) throw targetNotFound(ctx, cluster, missing);
  return active;
}

function targetNotFound(ctx: ControlContext, cluster: string, id: string): NotFoundError {
  return new NotFoundError(
    'attribute',
    `Could not find container instance ${arns.containerInstance(ctx.deployment, cluster, id)}`,
    { containerInstance: id },
  );
}

/** Applies `change` with a conditional write; false when there was nothing to change. */
async function updateInstance(
  ctx: ControlContext,
  cluster: string,
  instanceId: string,
  change: (instance: ContainerInstance) => ContainerInstance | undefined,
): Promise<boolean> {
  let written = false;
  const stored = await updateWithRetry(
    ctx.store,
    containerInstances,
    containerInstances.key(cluster, instanceId),
    (instance) => {
      if (instance.status === 'INACTIVE') throw targetNotFound(ctx, cluster, instanceId);
      const next = change(instance);
      written = next !== undefined;
      return next;
    },
  );
  if (!stored) throw targetNotFound(ctx, cluster, instanceId);
  return written;
}

/**
 * The instance with `items` set: existing names keep their place, new ones
 * are appended. Refuses to take the instance past MAX_CUSTOM_ATTRIBUTES
 * custom attributes, but never for a put that adds no new name.
 */
function withAttributes(
  instance: ContainerInstance,
  items: readonly AttributeRequestItem[],
): ContainerInstance | undefined {
  const next = new Map(instance.attributes.map((a) => [a.name, a]));
  for (const item of items)
    next.set(item.name, { name: item.name, ...(item.value !== undefined && { value: item.value }) });
  const attributes = [...next.values()];
  const custom = (list: readonly Attribute[]) => list.filter((a) => !isBuiltIn(a.name)).length;
  if (custom(attributes) > MAX_CUSTOM_ATTRIBUTES && custom(attributes) > custom(instance.attributes)) {
    throw new AttributeLimitExceededError(
      `Container instance ${instance.id} would have ${custom(attributes)} custom attributes; at most ${MAX_CUSTOM_ATTRIBUTES} are allowed`,
      { containerInstance: instance.id },
    );
  }
  const same =
    attributes.length === instance.attributes.length &&
    attributes.every((a, i) => a.name === instance.attributes[i]?.name && a.value === instance.attributes[i]?.value);
  return same ? undefined : { ...instance, attributes };
}

function view(
  ctx: ControlContext,
  cluster: string,
  instanceId: string,
  attribute: Attribute | AttributeRequestItem,
): AttributeView {
  return {
    name: attribute.name,
    ...(attribute.value !== undefined && { value: attribute.value }),
    targetType: 'container-instance',
    targetId: arns.containerInstance(ctx.deployment, cluster, instanceId),
  };
}
