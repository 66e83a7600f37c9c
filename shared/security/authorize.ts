import type { Tag } from '../schemas/common.ts';
import { contextKey } from './policy/conditions.ts';
import type { PolicyDocument } from './policy/document.ts';
import { evaluatePolicy } from './policy/evaluate.ts';
import type { Principal } from './principal.ts';
import { refuse, type Refusal } from './refusal.ts';
import type { RequestScope, ScopedResource } from './scope/scope.ts';

export type AuthorizationResult =
  { readonly ok: true } | { readonly ok: false; readonly refusal: Refusal; readonly resource: string };

/**
 * A request is allowed when the key's policy allows its action on every
 * resource it touches; the first resource refused names the refusal, in the
 * words AWS uses, so the message says what to add to the policy.
 */
export function authorizeScope(
  principal: Principal,
  policy: PolicyDocument,
  scope: RequestScope,
  tagsOf: (resource: ScopedResource) => readonly Tag[] | undefined,
): AuthorizationResult {
  for (const resource of scope.resources) {
    const context = new Map<string, readonly string[]>();
    for (const [key, values] of [...Object.entries(scope.keys), ...Object.entries(resource.keys)]) {
      context.set(contextKey(key), values);
    }
    for (const tag of tagsOf(resource) ?? []) context.set(contextKey(`aws:ResourceTag/${tag.key}`), [tag.value ?? '']);
    const decision = evaluatePolicy(policy, { action: scope.action, resource: resource.arn, context });
    if (decision.effect === 'allow') continue;
    const because =
      decision.effect === 'explicit-deny'
        ? 'with an explicit deny in an identity-based policy'
        : `because no identity-based policy allows the ${scope.action} action`;
    return {
      ...refuse(
        'denied',
        `User: ${principal.arn} is not authorized to perform: ${scope.action} on resource: ${resource.arn} ${because}`,
      ),
      resource: resource.arn,
    };
  }
  return { ok: true };
}
