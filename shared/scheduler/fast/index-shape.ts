import type { CompiledExpression } from '../query/compile.ts';
import { readConstraints, readStrategies } from '../placement-rules.ts';
import type { PlacementRequest } from '../types.ts';

/** How members of one bucket are ordered, best first, for one local strategy. */
export type LocalOrder =
  /** binpack: least of the field left first. */
  | { readonly kind: 'remaining'; readonly field: 'cpu' | 'memory' }
  /** spread over instances: fewest tasks of the group first. */
  | { readonly kind: 'group-tasks' };

/**
 * What an index is built for. Requests of one shape share an index: the same
 * instances pass their static tests, and they order instances alike.
 */
export interface IndexShape {
  readonly key: string;
  /** Leading spread(attribute:...) strategies: instances are bucketed by these values. */
  readonly spreadAttributes: readonly string[];
  /** The binpack and spread(instanceId) strategies after them, in order. */
  readonly localOrders: readonly LocalOrder[];
  /** memberOf expressions that read only what a plan never changes. */
  readonly staticExpressions: readonly CompiledExpression[];
  /** Whose tasks a group-tasks order counts. */
  readonly group: string | undefined;
}

/** A request as the indexed path sees it: its index and the tests left for each candidate. */
export interface IndexedPlan {
  readonly shape: IndexShape;
  /** No local order: the reference breaks the tie at random, so the fast path draws too. */
  readonly drawWithinTier: boolean;
  readonly distinctInstance: boolean;
  readonly dynamicExpressions: readonly CompiledExpression[];
}

/**
 * The indexed path covers strategies of the form
 *   spread(attribute)*  (binpack | spread(instanceId))*  [random ...]
 * which includes no strategy, random, binpack, spread by zone then binpack,
 * and every combination ECS's own examples use. Anything after the first
 * random never decides (random scores do not tie), so it is dropped. A
 * spread over an attribute after a local strategy does not fit the bucket
 * layout; such requests return undefined and take the reference path.
 */
export function indexedPlanOf(request: PlacementRequest): IndexedPlan | undefined {
  // The indexes know nothing of GPUs: the reference pipeline places (and explains) GPU tasks.
  if (request.demand.gpus) return undefined;
  const spreadAttributes: string[] = [];
  const localOrders: LocalOrder[] = [];
  for (const rule of readStrategies(request.strategy)) {
    if (rule.kind === 'random') break;
    if (rule.kind === 'spread-attribute') {
      if (localOrders.length > 0) return undefined;
      spreadAttributes.push(rule.attribute);
    } else {
      localOrders.push(rule.kind === 'binpack' ? { kind: 'remaining', field: rule.field } : { kind: 'group-tasks' });
    }
  }
  const constraints = readConstraints(request.constraints);
  const staticExpressions = constraints.memberOf.filter((e) => !e.dynamic);
  const group = localOrders.some((o) => o.kind === 'group-tasks') ? request.group : undefined;
  const key = JSON.stringify([
    spreadAttributes,
    localOrders,
    staticExpressions.map((e) => e.text).sort(),
    group ?? null,
  ]);
  return {
    shape: { key, spreadAttributes, localOrders, staticExpressions, group },
    drawWithinTier: localOrders.length === 0,
    distinctInstance: constraints.distinctInstance,
    dynamicExpressions: constraints.memberOf.filter((e) => e.dynamic),
  };
}
