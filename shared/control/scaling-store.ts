import type { ControlContext } from './context.ts';
import { VersionConflictError } from '../domain/errors.ts';
import { scalableTargets } from '../domain/collections.ts';
import type { ScalableTarget } from '../schemas/scaling.ts';
import { decodeToken, encodeToken } from './pagination.ts';
import { readAll, updateWithRetry } from './listing.ts';
import { ScalingError } from './scaling-errors.ts';
import { noTarget, type ServiceRef } from './scaling-resource.ts';

/** Activities kept per target, newest first. */
export const MAX_ACTIVITIES = 50;

/**
 * Changes one scalable target through a conditional write. `change` throws
 * to refuse; a target that stays contended answers ConcurrentUpdateException,
 * as Application Auto Scaling does.
 */
export async function changeTarget(
  ctx: ControlContext,
  ref: ServiceRef,
  change: (target: ScalableTarget) => ScalableTarget | undefined,
): Promise<ScalableTarget> {
  try {
    const updated = await updateWithRetry(
      ctx.store,
      scalableTargets,
      scalableTargets.key(`${ref.cluster}/${ref.service}`),
      change,
    );
    if (!updated) throw noTarget(ref);
    return updated.value;
  } catch (error) {
    if (error instanceof VersionConflictError) throw concurrent();
    throw error;
  }
}

export function concurrent(): ScalingError {
  return new ScalingError('ConcurrentUpdateException', 'Concurrent update on the scalable target; retry the request');
}

/** Every registered target, in `<cluster>/<service>` order. */
export async function allTargets(ctx: ControlContext): Promise<ScalableTarget[]> {
  return (await readAll(ctx.store, scalableTargets, scalableTargets.partition())).map((t) => t.value);
}

/**
 * One page of a listing built in memory: the token carries the key of the
 * last entry given, so a page continues where the previous one stopped even
 * after entries come and go.
 */
export function page<T>(
  listing: string,
  entries: readonly T[],
  keyOf: (entry: T) => string,
  request: { readonly MaxResults?: number | undefined; readonly NextToken?: string | undefined },
): { readonly items: T[]; readonly NextToken?: string } {
  let after: string | undefined;
  try {
    after = decodeToken(listing, request.NextToken);
  } catch {
    throw new ScalingError('InvalidNextTokenException', 'Invalid NextToken');
  }
  const size = request.MaxResults ?? 50;
  const rest = after === undefined ? entries : entries.filter((e) => keyOf(e) > after);
  const items = rest.slice(0, size);
  const last = items.at(-1);
  return rest.length > size && last !== undefined ? { items, NextToken: encodeToken(listing, keyOf(last)) } : { items };
}
