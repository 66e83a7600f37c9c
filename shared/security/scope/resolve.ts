import type { Deployment } from '#shared/domain/arn.ts';
import { adminScope } from './admin-scope.ts';
import { ecsScope } from './ecs-scope.ts';
import { anyResource, type RequestScope } from './scope.ts';

/** The scope of any action Berth authorises: `ecs:<Operation>` or `berth:<Action>`. */
export function scopeOf(d: Deployment, action: string, input: unknown): RequestScope {
  if (action.startsWith('ecs:')) return ecsScope(d, action.slice('ecs:'.length), input);
  if (action.startsWith('berth:')) return adminScope(d, action, input);
  return { action, resources: [anyResource], keys: {} };
}
