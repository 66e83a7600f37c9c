import * as z from 'zod';
import type { Deployment } from '../domain/arn.ts';

/**
 * Berth's access keys look like AWS's (20 characters, upper case) but start
 * with `BKIA`, so neither people nor secret scanners mistake one for an AWS
 * key. Secrets are 40 characters of base64url.
 */
export const ACCESS_KEY_ID = /^BKIA[A-Z2-7]{16}$/;
export const accessKeyId = z.string().regex(ACCESS_KEY_ID, 'must be a Berth access key id (BKIA...)');

/** IAM's user-name alphabet, so names read the same in policies and logs. */
export const keyName = z.string().regex(/^[\w+=,.@-]{1,64}$/, 'must be 1-64 letters, digits or any of _+=,.@-');

export const berthArns = {
  accessKey: (d: Deployment, id: string) => `arn:${d.partition}:berth:${d.region}:${d.accountId}:access-key/${id}`,
  /** A secret in Berth's own store (`berth:secret:NAME` in task definitions). */
  secret: (d: Deployment, name: string) => `arn:${d.partition}:berth:${d.region}:${d.accountId}:secret/${name}`,
};

/** Who made a request, once its signature checked out. */
export interface Principal {
  readonly arn: string;
  readonly accessKeyId: string;
  readonly name: string;
}
