import type { Deployment } from '#shared/domain/arn.ts';
import { berthArns } from '../principal.ts';
import { clusterResource } from './ecs-scope.ts';
import { anyResource, Fields, type RequestScope, type ScopedResource } from './scope.ts';

/**
 * Berth's own actions (the admin API). Those on one thing act on its ARN,
 * so a policy can be as narrow as the thing: disabling and rotating a key on
 * the key (a key may rotate only itself), registration tokens and cluster
 * policies on the cluster (with the `ecs:cluster` key, as ECS operations in
 * it), putting and deleting a secret on the secret. Creating keys, listing
 * and reading the audit log act on `*`.
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
  return { action, resources: [adminResource(d, action, new Fields(input)) ?? anyResource], keys: {} };
}

function adminResource(d: Deployment, action: string, f: Fields): ScopedResource | undefined {
  const named = (field: string, resource: (value: string) => ScopedResource) => {
    const value = f.string(field);
    return value === undefined ? undefined : resource(value);
  };
  switch (action) {
    case 'berth:DisableAccessKey':
    case 'berth:RotateAccessKey':
      return named('accessKeyId', (id) => ({ arn: berthArns.accessKey(d, id), keys: {} }));
    case 'berth:CreateRegistrationToken':
      return named('cluster', (cluster) => clusterResource(d, cluster));
    case 'berth:PutClusterPolicy':
    case 'berth:GetClusterPolicy':
      return named('clusterName', (cluster) => clusterResource(d, cluster));
    case 'berth:PutSecret':
    case 'berth:DeleteSecret':
      return named('name', (name) => ({ arn: berthArns.secret(d, name), keys: {} }));
    default:
      return undefined;
  }
}
