import { conditionHolds, type ConditionContext } from './conditions.ts';
import type { PolicyDocument, PolicyStatement } from './document.ts';
import { wildcardMatch } from './wildcard.ts';

/** One action on one resource, with the condition keys that hold for it. */
export interface AuthorizationQuery {
  readonly action: string;
  readonly resource: string;
  readonly context: ConditionContext;
}

export type PolicyDecision =
  | { readonly effect: 'allow'; readonly sid?: string }
  | { readonly effect: 'explicit-deny'; readonly sid?: string }
  | { readonly effect: 'implicit-deny' };

/**
 * IAM's evaluation for one identity policy: a matching Deny wins over any
 * Allow, and without a matching Allow the answer is no.
 */
export function evaluatePolicy(policy: PolicyDocument, query: AuthorizationQuery): PolicyDecision {
  let allowedBy: PolicyStatement | undefined;
  for (const statement of policy.Statement) {
    if (!applies(statement, query)) continue;
    if (statement.Effect === 'Deny') return { effect: 'explicit-deny', ...sid(statement) };
    allowedBy ??= statement;
  }
  return allowedBy ? { effect: 'allow', ...sid(allowedBy) } : { effect: 'implicit-deny' };
}

function sid(statement: PolicyStatement): { sid?: string } {
  return statement.Sid === undefined ? {} : { sid: statement.Sid };
}

function applies(statement: PolicyStatement, query: AuthorizationQuery): boolean {
  // Action names compare case-insensitively in IAM; ARNs do not.
  const action = (patterns: readonly string[]) => patterns.some((p) => wildcardMatch(p, query.action, true));
  const resource = (patterns: readonly string[]) => patterns.some((p) => p === '*' || wildcardMatch(p, query.resource));
  const actionMatches = statement.Action !== undefined ? action(statement.Action) : !action(statement.NotAction ?? []);
  if (!actionMatches) return false;
  const resourceMatches =
    statement.Resource !== undefined ? resource(statement.Resource) : !resource(statement.NotResource ?? []);
  if (!resourceMatches) return false;
  return Object.entries(statement.Condition ?? {}).every(([operator, keys]) =>
    Object.entries(keys).every(([key, values]) => conditionHolds(operator, key, values, query.context)),
  );
}

/** Whether any statement reads resource tags, so they are fetched only when a policy needs them. */
export function readsResourceTags(policy: PolicyDocument): boolean {
  return policy.Statement.some((s) =>
    Object.values(s.Condition ?? {}).some((keys) =>
      Object.keys(keys).some((k) => k.toLowerCase().startsWith('aws:resourcetag/')),
    ),
  );
}
