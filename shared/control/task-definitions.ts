import type { z } from 'zod';
import { taskDefinitionRef } from '../domain/arn.ts';
import { taskDefinitionFamilies, taskDefinitions } from '../domain/collections.ts';
import { ClientError, NotFoundError } from '../domain/errors.ts';
import { requireTaskDefinitionSize } from '../domain/request-limits.ts';
import { validateTaskDefinition } from '../domain/resources.ts';
import { refuseReservedKeys } from '../domain/tags.ts';
import type { listTaskDefinitionFamiliesRequest, listTaskDefinitionsRequest } from '../schemas/ecs-requests.ts';
import type { RegisterTaskDefinitionRequest, TaskDefinition } from '../schemas/task-definition.ts';
import type { Versioned } from '../ports/store.ts';
import type { ControlContext } from './context.ts';
import { listMatching } from './listing.ts';
import { decodeToken, encodeToken, pageSize } from './pagination.ts';
import { optionalAfter } from './clusters.ts';

/**
 * Registers the next revision of a family. The family's listing entry is
 * written first (idempotently), then the revision with a create-if-absent
 * write: two concurrent registrations of one family race on the same
 * revision number, one wins and the other retries with the next number.
 */
export async function registerTaskDefinition(
  ctx: ControlContext,
  request: RegisterTaskDefinitionRequest,
): Promise<TaskDefinition> {
  requireTaskDefinitionSize(request);
  const reservation = validateTaskDefinition(request);
  refuseReservedKeys((request.tags ?? []).map((t) => t.key));
  const family = request.family;
  const now = ctx.clock.now();
  // A family that already exists is fine: the write only makes sure it does.
  const entry = await ctx.store.tryCreate(taskDefinitionFamilies, { family, createdAt: now });
  const retired = entry.written ? 0 : (entry.current?.value.retiredRevision ?? 0);
  for (let attempt = 0; attempt < 20; attempt++) {
    const latest = await ctx.store.query(taskDefinitions, taskDefinitions.partition(), {
      prefix: taskDefinitions.familyPrefix(family),
      descending: true,
      limit: 1,
    });
    const revision = Math.max(latest.items[0]?.value.revision ?? 0, retired) + 1;
    const definition: TaskDefinition = {
      ...request,
      networkMode: request.networkMode ?? 'bridge',
      tags: request.tags ?? [],
      revision,
      status: 'ACTIVE',
      registeredAt: now,
      reservation,
    };
    // Losing means another registration took this revision: try the next.
    if ((await ctx.store.tryCreate(taskDefinitions, definition)).written) return definition;
  }
  throw new ClientError(`Too many concurrent registrations of family ${family}; try again`);
}

/** `family` alone means its latest ACTIVE revision, as ECS resolves it. */
export async function findTaskDefinition(
  ctx: Pick<ControlContext, 'store' | 'deployment'>,
  ref: string,
): Promise<Versioned<TaskDefinition>> {
  const { family, revision } = taskDefinitionRef(ctx.deployment, ref);
  if (revision !== undefined) {
    const found = await ctx.store.get(taskDefinitions, taskDefinitions.key(family, revision));
    if (found) return found;
  } else {
    let after: string | undefined;
    do {
      const page = await ctx.store.query(taskDefinitions, taskDefinitions.partition(), {
        prefix: taskDefinitions.familyPrefix(family),
        descending: true,
        limit: 25,
        ...optionalAfter(after),
      });
      const active = page.items.find((i) => i.value.status === 'ACTIVE');
      if (active) return active;
      after = page.lastSort;
    } while (after !== undefined);
  }
  throw new NotFoundError('taskDefinition', 'Unable to describe task definition.', { taskDefinition: ref });
}

export async function deregisterTaskDefinition(ctx: ControlContext, ref: string): Promise<TaskDefinition> {
  if (taskDefinitionRef(ctx.deployment, ref).revision === undefined) {
    throw new ClientError('A revision is required: use family:revision or a task definition ARN');
  }
  for (;;) {
    const found = await findTaskDefinition(ctx, ref);
    if (found.value.status !== 'ACTIVE') return found.value;
    const inactive: TaskDefinition = { ...found.value, status: 'INACTIVE', deregisteredAt: ctx.clock.now() };
    if ((await ctx.store.tryReplace(taskDefinitions, inactive, found.version)).written) return inactive;
  }
}

export async function listTaskDefinitions(
  ctx: ControlContext,
  request: z.infer<typeof listTaskDefinitionsRequest>,
): Promise<{ definitions: TaskDefinition[]; nextToken?: string }> {
  const status = request.status ?? 'ACTIVE';
  // DESC reverses both orders (family names, then revisions), as ECS does; a token is only good for its own order.
  const descending = request.sort === 'DESC';
  const listing = descending ? 'taskdefs-desc' : 'taskdefs';
  const page = await listMatching(ctx.store, taskDefinitions, taskDefinitions.partition(), {
    limit: pageSize(request.maxResults),
    descending,
    ...optionalAfter(decodeToken(listing, request.nextToken)),
    // ECS's familyPrefix here is a whole family name, not a prefix.
    ...(request.familyPrefix !== undefined && { prefix: taskDefinitions.familyPrefix(request.familyPrefix) }),
    match: (t) => t.status === status,
  });
  return {
    definitions: page.items.map((i) => i.value),
    ...(page.next !== undefined && { nextToken: encodeToken(listing, page.next) }),
  };
}

export async function listTaskDefinitionFamilies(
  ctx: ControlContext,
  request: z.infer<typeof listTaskDefinitionFamiliesRequest>,
): Promise<{ families: string[]; nextToken?: string }> {
  const status = request.status ?? 'ACTIVE';
  const limit = pageSize(request.maxResults);
  const families: string[] = [];
  let after = decodeToken('families', request.nextToken);
  for (;;) {
    const page = await listMatching(ctx.store, taskDefinitionFamilies, taskDefinitionFamilies.partition(), {
      limit,
      ...optionalAfter(after),
      ...(request.familyPrefix !== undefined && { prefix: request.familyPrefix }),
    });
    for (const item of page.items) {
      after = item.value.family;
      const state = await familyState(ctx, item.value.family);
      // A family whose every revision was deleted is not listed at all, as in ECS.
      if (state === 'NONE' || (status !== 'ALL' && state !== status)) continue;
      families.push(item.value.family);
      if (families.length === limit) {
        const more = item !== page.items[page.items.length - 1] || page.next !== undefined;
        return more ? { families, nextToken: encodeToken('families', item.value.family) } : { families };
      }
    }
    if (page.next === undefined) return { families };
  }
}

/** ACTIVE with an ACTIVE revision, INACTIVE with revisions but none ACTIVE, NONE when all were deleted. */
async function familyState(ctx: ControlContext, family: string): Promise<'ACTIVE' | 'INACTIVE' | 'NONE'> {
  try {
    await findTaskDefinition(ctx, family);
    return 'ACTIVE';
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
  }
  const any = await ctx.store.query(taskDefinitions, taskDefinitions.partition(), {
    prefix: taskDefinitions.familyPrefix(family),
    limit: 1,
  });
  return any.items.length > 0 ? 'INACTIVE' : 'NONE';
}
