import { RejectionTally } from './explain.ts';
import type { Fleet } from './fleet.ts';
import type { Filter, PlacementDecision } from './types.ts';

/**
 * StartTask names the instance itself: the choice among instances (scorers,
 * strategies) is skipped, but the instance must still pass every filter a
 * chosen one would (`filters`, the request's own from pipeline.ts), so a
 * full, draining or disconnected instance answers with ECS's reason rather
 * than being over-committed. An instance absent from the fleet (deregistered
 * since it was named) reads as INACTIVE, as ECS reports an instance that no
 * longer takes work.
 */
export function placeOnInstance(fleet: Fleet, instanceId: string, filters: readonly Filter[]): PlacementDecision {
  const tally = new RejectionTally();
  const instance = fleet.byId.get(instanceId);
  if (instance === undefined) {
    tally.add(instanceId, 'INACTIVE', `${instanceId} is not registered and ACTIVE`);
    return tally.decision();
  }
  for (const filter of filters) {
    const result = filter(instance);
    if (!result.ok) {
      tally.add(instance.id, result.reason, result.detail);
      return tally.decision();
    }
  }
  return { kind: 'placed', instanceId };
}
