import type { Deployment } from '../../domain/arn.ts';
import { berthArns } from '../principal.ts';
import { anyResource, Fields, type RequestScope } from './scope.ts';

/**
 * Berth's own actions (the admin API). Disabling and rotating act on the
 * key's ARN, so a policy can let a key rotate only itself; the others act
 * on `*`.
 */
export const ADMIN_ACTIONS = [
  'berth:CreateAccessKey',
  'berth:ListAccessKeys',
  'berth:DisableAccessKey',
  'berth:RotateAccessKey',
  'berth:ReadAudit',
] as const;
export type AdminAction = (typeof ADMIN_ACTIONS)[number];

export function adminScope(d: Deployment, action: string, input: unknown): RequestScope {
  const keyId = new Fields(input).string('accessKeyId');
  const perKey = action === 'berth:DisableAccessKey' || action === 'berth:RotateAccessKey';
  const resource = perKey && keyId !== undefined ? { arn: berthArns.accessKey(d, keyId), keys: {} } : anyResource;
  return { action, resources: [resource], keys: {} };
}
