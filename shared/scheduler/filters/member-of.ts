import type { CandidateInstance } from '../fleet.ts';
import type { CompiledExpression } from '../query/compile.ts';
import { PASS, reject, type Filter } from '../types.ts';

/** A memberOf constraint: the instance must satisfy the cluster query expression. */
export function memberOfFilter(expression: CompiledExpression): Filter {
  return (instance: CandidateInstance) =>
    expression.matches(instance)
      ? PASS
      : reject('ATTRIBUTE', `${instance.id} does not match memberOf '${expression.text}'`);
}
