import type { CandidateInstance } from '../fleet.ts';
import { parseExpression, type ExpressionNode, type Operator } from './parser.ts';
import { resolveSubject, type PositiveOperator, type Predicate } from './subjects.ts';
import { expressionError } from './syntax-error.ts';

/** A memberOf expression, parsed and checked once, ready to test instances. */
export interface CompiledExpression {
  readonly text: string;
  /**
   * True if it reads what a reservation changes (task:group,
   * runningTasksCount): its answer for an instance then holds only until the
   * next reservation, so it cannot be cached for a whole plan.
   */
  readonly dynamic: boolean;
  matches(instance: CandidateInstance): boolean;
}

/** Every negative operator is the `not` of a positive one, missing values included. */
const POSITIVE_OF: Readonly<Record<Operator, { positive: PositiveOperator; negated: boolean }>> = {
  eq: { positive: 'eq', negated: false },
  ne: { positive: 'eq', negated: true },
  gt: { positive: 'gt', negated: false },
  ge: { positive: 'ge', negated: false },
  lt: { positive: 'lt', negated: false },
  le: { positive: 'le', negated: false },
  exists: { positive: 'exists', negated: false },
  not_exists: { positive: 'exists', negated: true },
  in: { positive: 'in', negated: false },
  not_in: { positive: 'in', negated: true },
  matches: { positive: 'matches', negated: false },
  not_matches: { positive: 'matches', negated: true },
};

const SPELLING: Readonly<Record<Operator, string>> = {
  eq: '==',
  ne: '!=',
  gt: '>',
  ge: '>=',
  lt: '<',
  le: '<=',
  exists: 'exists',
  not_exists: '!exists',
  in: 'in',
  not_in: '!in',
  matches: '=~',
  not_matches: '!~',
};

/** Parsed expressions by their text. Bounded, since expressions come from users. */
const cache = new Map<string, CompiledExpression>();
const CACHE_LIMIT = 1000;

/** Parses and checks once per distinct text; throws InvalidParameterError with the column at fault. */
export function compileExpression(text: string): CompiledExpression {
  const cached = cache.get(text);
  if (cached !== undefined) return cached;
  const { test, dynamic } = compileNode(parseExpression(text), text);
  const compiled: CompiledExpression = { text, dynamic, matches: test };
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value ?? '');
  cache.set(text, compiled);
  return compiled;
}

function compileNode(node: ExpressionNode, text: string): { test: Predicate; dynamic: boolean } {
  switch (node.kind) {
    case 'and': {
      const left = compileNode(node.left, text);
      const right = compileNode(node.right, text);
      return { test: (i) => left.test(i) && right.test(i), dynamic: left.dynamic || right.dynamic };
    }
    case 'or': {
      const left = compileNode(node.left, text);
      const right = compileNode(node.right, text);
      return { test: (i) => left.test(i) || right.test(i), dynamic: left.dynamic || right.dynamic };
    }
    case 'not': {
      const operand = compileNode(node.operand, text);
      return { test: (i) => !operand.test(i), dynamic: operand.dynamic };
    }
    case 'compare': {
      const subject = resolveSubject(node.subject, text);
      if (!subject.operators.has(node.operator)) {
        const allowed = [...subject.operators].map((o) => SPELLING[o]).join(', ');
        throw expressionError(
          text,
          node.operatorColumn,
          `operator '${SPELLING[node.operator]}' does not apply to ${node.subject.text} (it takes ${allowed})`,
        );
      }
      const { positive, negated } = POSITIVE_OF[node.operator];
      const test = subject.predicate(positive, node.args, text);
      return { test: negated ? (i) => !test(i) : test, dynamic: subject.dynamic };
    }
  }
}
