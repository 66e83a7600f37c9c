import type { Fleet } from '../fleet.ts';
import type { PlacementRequest } from '../types.ts';

/** Placeholder until the index lands. */
export function findIndexed(_request: PlacementRequest, _fleet: Fleet): string | undefined {
  return undefined;
}
