import { ownArnResource } from '../domain/arn.ts';
import { clusters, containerInstances, services, taskDefinitions, tasks } from '../domain/collections.ts';
import { InvalidParameterError, NotFoundError } from '../domain/errors.ts';
import { onDisconnectOf } from '../domain/service-tags.ts';
import { mergeTags, refuseReservedKeys, removeTags } from '../domain/tags.ts';
import type { Collection, Key, Store } from '../ports/store.ts';
import type { Tag } from '../schemas/common.ts';
import type { TagResourceRequest, UntagResourceRequest } from '../schemas/tag-requests.ts';
import type { ControlContext } from './context.ts';
import { updateWithRetry } from './update-with-retry.ts';

/**
 * TagResource, UntagResource and ListTagsForResource. A resource is named by
 * its ARN; the tags live on its own item, so a policy's `aws:ResourceTag/...`
 * condition (functions/security/tag-lookup.ts) reads what these wrote. Every
 * change is a read-change-conditional-write of that one item, retried on the
 * winner: a tag change never undoes a concurrent update of the resource.
 */

/** Where one resource's tags are read and written. */
interface TagTarget {
  /** The cluster the resource lives in, which must be ACTIVE (ClusterNotFoundException otherwise). */
  readonly cluster?: string;
  read(store: Store): Promise<readonly Tag[] | undefined>;
  /** False when the item is gone. */
  change(store: Store, next: (tags: readonly Tag[]) => Tag[]): Promise<boolean>;
}

/**
 * `retag` writes what else follows from the tags (a service's
 * `berth:on-disconnect`); it may refuse them, and then nothing is written.
 */
function target<T extends { tags?: readonly Tag[] }>(
  collection: Collection<T>,
  key: Key,
  cluster?: string,
  retag: (value: T, tags: Tag[]) => T = (value, tags) => ({ ...value, tags }),
): TagTarget {
  return {
    ...(cluster !== undefined && { cluster }),
    read: async (store) => {
      const found = await store.get(collection, key);
      return found ? (found.value.tags ?? []) : undefined;
    },
    change: async (store, next) =>
      (await updateWithRetry(store, collection, key, (current) => retag(current, next(current.tags ?? [])))) !==
      undefined,
  };
}

const INVALID_ARN = 'The ARN provided is invalid';
const LONG_FORM = 'Long arn format must be used for tagging operations';

/**
 * The resources that carry tags, by the type in their ARN, each reading the
 * rest of the ARN (the parts after the type, split on '/'). A capacity
 * provider, when Berth has them, is one more line.
 */
const taggable: Record<string, (parts: readonly string[]) => TagTarget | string> = {
  cluster: (parts) => (parts.length === 1 ? target(clusters, clusters.key(at(parts, 0)), at(parts, 0)) : INVALID_ARN),
  service: (parts) =>
    parts.length === 2
      ? target(services, services.key(at(parts, 0), at(parts, 1)), at(parts, 0), (service, tags) => ({
          ...service,
          tags,
          onDisconnect: onDisconnectOf(tags),
        }))
      : LONG_FORM,
  task: (parts) =>
    parts.length === 2 ? target(tasks, tasks.key(at(parts, 0), at(parts, 1)), at(parts, 0)) : LONG_FORM,
  'container-instance': (parts) =>
    parts.length === 2
      ? target(containerInstances, containerInstances.key(at(parts, 0), at(parts, 1)), at(parts, 0))
      : LONG_FORM,
  'task-definition': ([revisionRef]) => {
    const match = /^([a-zA-Z0-9_-]{1,255}):(\d+)$/.exec(revisionRef ?? '');
    if (!match) return 'A task definition is tagged by the ARN of one revision (family:revision)';
    return target(taskDefinitions, taskDefinitions.key(match[1] as string, Number(match[2])));
  },
};

function at(parts: readonly string[], index: number): string {
  return parts[index] ?? '';
}

/** Reads an ARN into the resource it tags, or refuses it as ECS does (InvalidParameterException). */
export function tagTarget(ctx: ControlContext, arn: string): TagTarget {
  const resource = ownArnResource(ctx.deployment, arn, 'resourceArn');
  const refuse = (why: string) => new InvalidParameterError(`${why}: ${arn}`, { resourceArn: arn });
  if (resource === undefined) throw refuse(INVALID_ARN);
  const [type, ...parts] = resource.split('/');
  const read = type !== undefined && Object.hasOwn(taggable, type) ? taggable[type] : undefined;
  if (read === undefined || parts.some((p) => !/^[a-zA-Z0-9_:-]{1,255}$/.test(p))) throw refuse(INVALID_ARN);
  const found = read(parts);
  if (typeof found === 'string') throw refuse(found);
  return found;
}

async function existing(ctx: ControlContext, arn: string): Promise<TagTarget> {
  const found = tagTarget(ctx, arn);
  if (found.cluster !== undefined) {
    const cluster = await ctx.store.get(clusters, clusters.key(found.cluster));
    if (cluster?.value.status !== 'ACTIVE') {
      throw new NotFoundError('cluster', 'Cluster not found.', { cluster: found.cluster });
    }
  }
  return found;
}

function missing(arn: string): NotFoundError {
  return new NotFoundError('taggedResource', 'The specified resource could not be found.', { resourceArn: arn });
}

export async function listTagsForResource(ctx: ControlContext, arn: string): Promise<readonly Tag[]> {
  const tags = await (await existing(ctx, arn)).read(ctx.store);
  if (tags === undefined) throw missing(arn);
  return tags;
}

export async function tagResource(ctx: ControlContext, request: TagResourceRequest): Promise<void> {
  refuseReservedKeys(request.tags.map((t) => t.key));
  const found = await existing(ctx, request.resourceArn);
  if (!(await found.change(ctx.store, (current) => mergeTags(current, request.tags)))) {
    throw missing(request.resourceArn);
  }
}

export async function untagResource(ctx: ControlContext, request: UntagResourceRequest): Promise<void> {
  refuseReservedKeys(request.tagKeys);
  const found = await existing(ctx, request.resourceArn);
  if (!(await found.change(ctx.store, (current) => removeTags(current, request.tagKeys)))) {
    throw missing(request.resourceArn);
  }
}
