import type { Context } from 'hono';
import type { Deployment } from '#shared/domain/arn.ts';
import { berthArns } from '#shared/security/principal.ts';
import type { Caller } from './operation.ts';

/**
 * The caller of a call the guard has admitted: the access key named in its
 * SigV4 credential scope, which the guard verified before the operation
 * runs. Its principal ARN is the one the guard forms for that key.
 */
export function callerOf(c: Context, deployment: Deployment): Caller {
  const credential = /Credential=([A-Z0-9]+)\//.exec(c.req.header('authorization') ?? '');
  const id = credential?.[1];
  return id === undefined ? {} : { principalArn: berthArns.accessKey(deployment, id) };
}
