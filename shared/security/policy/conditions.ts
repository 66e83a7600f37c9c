import { OPERATOR_SYNTAX } from './document.ts';
import { wildcardMatch } from './wildcard.ts';

/**
 * The values each condition key has for one request and resource. Key names
 * are stored lower case: IAM compares condition key names case-insensitively.
 */
export type ConditionContext = ReadonlyMap<string, readonly string[]>;

export function contextKey(name: string): string {
  return name.toLowerCase();
}

interface Rule {
  readonly match: (policyValue: string, contextValue: string) => boolean;
  readonly negated: boolean;
}

const rules: Record<string, Rule> = {
  StringEquals: { match: (p, c) => p === c, negated: false },
  StringNotEquals: { match: (p, c) => p === c, negated: true },
  StringEqualsIgnoreCase: { match: (p, c) => p.toLowerCase() === c.toLowerCase(), negated: false },
  StringNotEqualsIgnoreCase: { match: (p, c) => p.toLowerCase() === c.toLowerCase(), negated: true },
  StringLike: { match: (p, c) => wildcardMatch(p, c), negated: false },
  StringNotLike: { match: (p, c) => wildcardMatch(p, c), negated: true },
  ArnEquals: { match: (p, c) => wildcardMatch(p, c), negated: false },
  ArnLike: { match: (p, c) => wildcardMatch(p, c), negated: false },
  ArnNotEquals: { match: (p, c) => wildcardMatch(p, c), negated: true },
  ArnNotLike: { match: (p, c) => wildcardMatch(p, c), negated: true },
  Bool: { match: (p, c) => p.toLowerCase() === c.toLowerCase(), negated: false },
};

/**
 * One operator and key of a Condition block, with IAM's semantics:
 *
 * - a key absent from the request: false for a plain operator, true for a
 *   negated one (StringNotEquals...) or with IfExists;
 * - several policy values: any may match (for negated operators: none may);
 * - several request values (aws:TagKeys): ForAnyValue needs one to match,
 *   ForAllValues needs every one to (and holds when there are none).
 */
export function conditionHolds(
  operatorName: string,
  key: string,
  policyValues: readonly string[],
  context: ConditionContext,
): boolean {
  const syntax = OPERATOR_SYNTAX.exec(operatorName);
  // The document schema admits only operators it can read; anything else denies.
  if (!syntax) return false;
  const [, setOperator, operator, ifExists] = syntax;
  const values = context.get(contextKey(key));
  const present = values !== undefined && values.length > 0;

  if (operator === 'Null') {
    return policyValues.some((v) => (v.toLowerCase() === 'true' ? !present : present));
  }
  const rule = operator === undefined ? undefined : rules[operator];
  if (!rule) return false;
  if (!present) {
    if (setOperator === 'ForAllValues:') return true;
    if (setOperator === 'ForAnyValue:') return false;
    return ifExists !== undefined || rule.negated;
  }
  const matchesAny = (contextValue: string) => policyValues.some((p) => rule.match(p, contextValue));
  const holdsFor = (contextValue: string) => (rule.negated ? !matchesAny(contextValue) : matchesAny(contextValue));
  if (setOperator === 'ForAllValues:') return values.every(holdsFor);
  if (setOperator === 'ForAnyValue:') return values.some(holdsFor);
  return rule.negated ? values.every(holdsFor) : values.some(holdsFor);
}
