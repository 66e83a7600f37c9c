import { InvalidParameterError } from '#shared/domain/errors.ts';

/** A memberOf expression that cannot be read, pointing at the 1-based column at fault. */
export function expressionError(expression: string, column: number, problem: string): InvalidParameterError {
  return new InvalidParameterError(`Invalid memberOf expression '${expression}': ${problem} at column ${column}`, {
    expression,
    column,
  });
}
