import { describe, expect, it } from 'vitest';
import { conditionHolds } from '#shared/security/policy/conditions.ts';
import { policyDocument, type PolicyDocumentInput } from '#shared/security/policy/document.ts';
import { evaluatePolicy, readsResourceTags } from '#shared/security/policy/evaluate.ts';
import { wildcardMatch } from '#shared/security/policy/wildcard.ts';

const CLUSTER_A = 'arn:aws:ecs:us-east-1:000000000000:cluster/A';
const CLUSTER_B = 'arn:aws:ecs:us-east-1:000000000000:cluster/B';

function decide(policy: PolicyDocumentInput, action: string, resource: string, context: Record<string, string[]> = {}) {
  const keys = new Map(Object.entries(context).map(([k, v]) => [k.toLowerCase(), v]));
  return evaluatePolicy(policyDocument.parse(policy), { action, resource, context: keys }).effect;
}

describe('wildcards', () => {
  it.each([
    ['*', 'anything at all', true],
    ['ecs:*', 'ecs:RunTask', true],
    ['ecs:Describe*', 'ecs:ListTasks', false],
    ['arn:aws:ecs:*:*:cluster/A', CLUSTER_A, true],
    ['arn:aws:ecs:*:*:cluster/A', `${CLUSTER_A}B`, false],
    ['arn:aws:ecs:*:*:task/A/*', 'arn:aws:ecs:us-east-1:000000000000:task/A/abc', true],
    ['arn:aws:ecs:*:*:task/A/*', 'arn:aws:ecs:us-east-1:000000000000:task/AB/abc', false],
    ['cluster/?', 'cluster/A', true],
    ['cluster/?', 'cluster/AB', false],
    ['a*b*c', 'aXbYc', true],
    ['a*b*c', 'aXbY', false],
    ['', '', true],
    ['**', '', true],
  ])('%s against %s: %s', (pattern, value, expected) => {
    expect(wildcardMatch(pattern, value)).toBe(expected);
  });

  it('does not backtrack exponentially on a hostile pattern', () => {
    const started = performance.now();
    expect(wildcardMatch(`${'*a'.repeat(50)}b`, 'a'.repeat(5000))).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('policy evaluation', () => {
  const allowAll: PolicyDocumentInput = { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

  it.each<[string, PolicyDocumentInput, string, string, string]>([
    ['an Allow that matches', allowAll, 'ecs:RunTask', CLUSTER_A, 'allow'],
    [
      'no statement that matches (default deny)',
      { Statement: [{ Effect: 'Allow', Action: 'ecs:List*', Resource: '*' }] },
      'ecs:RunTask',
      CLUSTER_A,
      'implicit-deny',
    ],
    [
      'a Deny over an Allow',
      {
        Statement: [
          { Effect: 'Allow', Action: 'ecs:*', Resource: '*' },
          { Effect: 'Deny', Action: 'ecs:RunTask', Resource: CLUSTER_A },
        ],
      },
      'ecs:RunTask',
      CLUSTER_A,
      'explicit-deny',
    ],
    [
      'a Deny before the Allow, order irrelevant',
      {
        Statement: [
          { Effect: 'Deny', Action: 'ecs:RunTask', Resource: CLUSTER_A },
          { Effect: 'Allow', Action: 'ecs:*', Resource: '*' },
        ],
      },
      'ecs:RunTask',
      CLUSTER_A,
      'explicit-deny',
    ],
    [
      'a Deny on another resource',
      {
        Statement: [
          { Effect: 'Allow', Action: 'ecs:*', Resource: '*' },
          { Effect: 'Deny', Action: 'ecs:RunTask', Resource: CLUSTER_A },
        ],
      },
      'ecs:RunTask',
      CLUSTER_B,
      'allow',
    ],
    [
      'a policy limited to cluster A, on A',
      { Statement: [{ Effect: 'Allow', Action: 'ecs:RunTask', Resource: CLUSTER_A }] },
      'ecs:RunTask',
      CLUSTER_A,
      'allow',
    ],
    [
      'a policy limited to cluster A, on B',
      { Statement: [{ Effect: 'Allow', Action: 'ecs:RunTask', Resource: CLUSTER_A }] },
      'ecs:RunTask',
      CLUSTER_B,
      'implicit-deny',
    ],
    [
      'actions matched case-insensitively',
      { Statement: [{ Effect: 'Allow', Action: 'ECS:runtask', Resource: '*' }] },
      'ecs:RunTask',
      CLUSTER_A,
      'allow',
    ],
    [
      'resources matched case-sensitively',
      { Statement: [{ Effect: 'Allow', Action: '*', Resource: CLUSTER_A.toLowerCase() }] },
      'ecs:RunTask',
      CLUSTER_A,
      'implicit-deny',
    ],
    [
      'NotAction',
      { Statement: [{ Effect: 'Allow', NotAction: 'ecs:Delete*', Resource: '*' }] },
      'ecs:DeleteCluster',
      CLUSTER_A,
      'implicit-deny',
    ],
    [
      'NotAction, other action',
      { Statement: [{ Effect: 'Allow', NotAction: 'ecs:Delete*', Resource: '*' }] },
      'ecs:RunTask',
      CLUSTER_A,
      'allow',
    ],
    [
      'NotResource',
      {
        Statement: [
          { Effect: 'Deny', Action: '*', NotResource: CLUSTER_A },
          { Effect: 'Allow', Action: '*', Resource: '*' },
        ],
      },
      'ecs:RunTask',
      CLUSTER_B,
      'explicit-deny',
    ],
  ])('%s', (_name, policy, action, resource, effect) => {
    expect(decide(policy, action, resource)).toBe(effect);
  });

  it('applies a Condition only when it holds', () => {
    const policy: PolicyDocumentInput = {
      Statement: [
        {
          Effect: 'Allow',
          Action: 'ecs:StopTask',
          Resource: '*',
          Condition: { ArnEquals: { 'ecs:cluster': CLUSTER_A } },
        },
      ],
    };
    expect(
      decide(policy, 'ecs:StopTask', 'arn:aws:ecs:us-east-1:000000000000:task/A/t', { 'ecs:cluster': [CLUSTER_A] }),
    ).toBe('allow');
    expect(
      decide(policy, 'ecs:StopTask', 'arn:aws:ecs:us-east-1:000000000000:task/B/t', { 'ecs:cluster': [CLUSTER_B] }),
    ).toBe('implicit-deny');
    expect(decide(policy, 'ecs:StopTask', '*')).toBe('implicit-deny');
  });

  it('notes when a policy needs resource tags', () => {
    const tagged = policyDocument.parse({
      Statement: [
        { Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/env': 'dev' } } },
      ],
    });
    expect(readsResourceTags(tagged)).toBe(true);
    expect(readsResourceTags(policyDocument.parse(allowAll))).toBe(false);
  });
});

describe('condition operators', () => {
  const context = (values: Record<string, string[]>) =>
    new Map(Object.entries(values).map(([k, v]) => [k.toLowerCase(), v]));
  const tags = context({ 'aws:TagKeys': ['team', 'cost'], 'aws:ResourceTag/env': ['dev'], 'ecs:cluster': [CLUSTER_A] });

  it.each<[string, string, string[], boolean]>([
    ['StringEquals', 'aws:ResourceTag/env', ['dev'], true],
    ['StringEquals', 'aws:ResourceTag/env', ['prod', 'dev'], true],
    ['StringEquals', 'AWS:RESOURCETAG/ENV', ['dev'], true],
    ['StringEquals', 'aws:ResourceTag/env', ['DEV'], false],
    ['StringEqualsIgnoreCase', 'aws:ResourceTag/env', ['DEV'], true],
    ['StringNotEquals', 'aws:ResourceTag/env', ['dev'], false],
    ['StringLike', 'aws:ResourceTag/env', ['d*'], true],
    ['StringNotLike', 'aws:ResourceTag/env', ['p*'], true],
    ['ArnLike', 'ecs:cluster', ['arn:aws:ecs:*:*:cluster/A'], true],
    ['ArnNotLike', 'ecs:cluster', ['arn:aws:ecs:*:*:cluster/A'], false],
    // A key the request does not have:
    ['StringEquals', 'aws:ResourceTag/owner', ['me'], false],
    ['StringNotEquals', 'aws:ResourceTag/owner', ['me'], true],
    ['StringEqualsIfExists', 'aws:ResourceTag/owner', ['me'], true],
    ['Null', 'aws:ResourceTag/owner', ['true'], true],
    ['Null', 'aws:ResourceTag/env', ['true'], false],
    ['Null', 'aws:ResourceTag/env', ['false'], true],
    // Multi-valued keys:
    ['ForAnyValue:StringEquals', 'aws:TagKeys', ['cost'], true],
    ['ForAllValues:StringEquals', 'aws:TagKeys', ['team'], false],
    ['ForAllValues:StringEquals', 'aws:TagKeys', ['team', 'cost'], true],
    ['ForAllValues:StringEquals', 'aws:RequestTag/none', ['x'], true],
    ['ForAnyValue:StringEquals', 'aws:RequestTag/none', ['x'], false],
    // Operators Berth does not evaluate deny:
    ['NumericLessThan', 'aws:ResourceTag/env', ['1'], false],
  ])('%s %s %j', (operator, key, values, expected) => {
    expect(conditionHolds(operator, key, values, tags)).toBe(expected);
  });
});

describe('policy documents', () => {
  it('normalises single values to lists, so the stored form reads back the same', () => {
    const parsed = policyDocument.parse({ Statement: { Effect: 'Allow', Action: 'ecs:RunTask', Resource: CLUSTER_A } });
    expect(parsed.Statement).toEqual([{ Effect: 'Allow', Action: ['ecs:RunTask'], Resource: [CLUSTER_A] }]);
    expect(policyDocument.parse(JSON.parse(JSON.stringify(parsed)))).toEqual(parsed);
  });

  it.each<[string, unknown]>([
    [
      'a Principal (identity policies only)',
      { Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }] },
    ],
    [
      'a policy variable, which would never match',
      { Statement: [{ Effect: 'Deny', Action: '*', Resource: 'arn:aws:ecs:*:*:cluster/${aws:username}' }] },
    ],
    ['another service', { Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }],
    [
      'an unknown condition operator',
      {
        Statement: [
          {
            Effect: 'Allow',
            Action: '*',
            Resource: '*',
            Condition: { DateGreaterThan: { 'aws:CurrentTime': '2026' } },
          },
        ],
      },
    ],
    [
      'both Action and NotAction',
      { Statement: [{ Effect: 'Allow', Action: '*', NotAction: 'ecs:RunTask', Resource: '*' }] },
    ],
    ['no Resource', { Statement: [{ Effect: 'Allow', Action: '*' }] }],
    ['a resource that is not an ARN', { Statement: [{ Effect: 'Allow', Action: '*', Resource: 'cluster/A' }] }],
    ['an unknown Effect', { Statement: [{ Effect: 'Maybe', Action: '*', Resource: '*' }] }],
    ['no statements', { Statement: [] }],
  ])('refuses %s', (_name, document) => {
    expect(policyDocument.safeParse(document).success).toBe(false);
  });
});
