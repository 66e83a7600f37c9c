import { BerthError } from '../domain/errors.ts';

/**
 * Application Auto Scaling's own errors: its API answers in its own types
 * (ValidationException, ObjectNotFoundException, ...), not ECS's.
 */
export class ScalingError extends BerthError {
  override readonly name = 'ScalingError';
  readonly code:
    | 'ValidationException'
    | 'ObjectNotFoundException'
    | 'ConcurrentUpdateException'
    | 'LimitExceededException'
    | 'InvalidNextTokenException';
  constructor(code: ScalingError['code'], message: string) {
    super(message);
    this.code = code;
  }
}

export const invalid = (message: string) => new ScalingError('ValidationException', message);
export const notFound = (message: string) => new ScalingError('ObjectNotFoundException', message);
