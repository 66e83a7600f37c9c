import { ClientError, InvalidParameterError } from '../domain/errors.ts';
import type { PlacementStrategy } from '../schemas/task.ts';
import type { PlacementConstraint } from '../schemas/task-definition.ts';
import { compileExpression, type CompiledExpression } from './query/compile.ts';
import type { BinpackField } from './scorers/binpack.ts';

/** ECS's limits on one RunTask or service. */
export const MAX_STRATEGIES = 5;
export const MAX_CONSTRAINTS = 10;

/** A strategy with its field read and checked. */
export type StrategyRule =
  | { readonly kind: 'binpack'; readonly field: BinpackField }
  | { readonly kind: 'spread-instance' }
  | { readonly kind: 'spread-attribute'; readonly attribute: string }
  | { readonly kind: 'random' };

export interface ConstraintRules {
  readonly distinctInstance: boolean;
  readonly memberOf: readonly CompiledExpression[];
}

/** Throws ClientError for a field ECS would not accept. No strategy at all means random. */
export function readStrategies(strategies: readonly PlacementStrategy[]): StrategyRule[] {
  if (strategies.length > MAX_STRATEGIES) {
    throw new ClientError(`At most ${MAX_STRATEGIES} placement strategies are allowed, got ${strategies.length}`);
  }
  if (strategies.length === 0) return [{ kind: 'random' }];
  return strategies.map(readStrategy);
}

function readStrategy(strategy: PlacementStrategy): StrategyRule {
  const field = strategy.field ?? '';
  switch (strategy.type) {
    case 'random':
      // ECS ignores the field of a random strategy.
      return { kind: 'random' };
    case 'binpack': {
      const lower = field.toLowerCase();
      if (lower === 'cpu' || lower === 'memory') return { kind: 'binpack', field: lower };
      throw new ClientError(`Invalid field '${field}' for placement strategy binpack: use cpu or memory`);
    }
    case 'spread': {
      if (field === 'instanceId' || field === 'host') return { kind: 'spread-instance' };
      const attribute = field.startsWith('attribute:') ? field.slice('attribute:'.length) : '';
      if (attribute !== '') return { kind: 'spread-attribute', attribute };
      throw new ClientError(
        `Invalid field '${field}' for placement strategy spread: use instanceId, host or attribute:<name>`,
      );
    }
  }
}

/** Throws ClientError for too many constraints, InvalidParameterError for a malformed one. */
export function readConstraints(constraints: readonly PlacementConstraint[]): ConstraintRules {
  if (constraints.length > MAX_CONSTRAINTS) {
    throw new ClientError(`At most ${MAX_CONSTRAINTS} placement constraints are allowed, got ${constraints.length}`);
  }
  let distinctInstance = false;
  const memberOf: CompiledExpression[] = [];
  for (const constraint of constraints) {
    if (constraint.type === 'distinctInstance') {
      if (constraint.expression !== undefined && constraint.expression.trim() !== '') {
        throw new InvalidParameterError('A distinctInstance placement constraint takes no expression');
      }
      distinctInstance = true;
    } else {
      if (constraint.expression === undefined || constraint.expression.trim() === '') {
        throw new InvalidParameterError('A memberOf placement constraint needs an expression');
      }
      memberOf.push(compileExpression(constraint.expression));
    }
  }
  return { distinctInstance, memberOf };
}

/** Checks strategies and constraints as RunTask and CreateService receive them. */
export function validatePlacement(
  strategies: readonly PlacementStrategy[],
  constraints: readonly PlacementConstraint[],
): void {
  readStrategies(strategies);
  readConstraints(constraints);
}
