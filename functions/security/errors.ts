import { BerthError } from '#shared/domain/errors.ts';

/** The admin API named an access key that does not exist (IAM's NoSuchEntity). */
export class AccessKeyNotFoundError extends BerthError {
  override readonly name = 'AccessKeyNotFoundError';
  readonly code = 'NoSuchEntity';
  constructor(accessKeyId: string) {
    super(`The access key ${accessKeyId} does not exist`, { accessKeyId });
  }
}
