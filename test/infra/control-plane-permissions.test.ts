import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { repoRoot } from '#infra/constructs/bundling.ts';
import { BerthStack } from '#infra/stacks/berth-stack.ts';

/**
 * The ELBv2, EC2 and IAM actions each function's role allows, statement by
 * statement, with the resources and conditions that scope them: exactly what
 * the adapters call (functions/adapters/elbv2-targets.ts for the scheduler,
 * ec2-query-client.ts for the monitor), and nothing of either in the api.
 */
const context = z
  .object({ context: z.record(z.string(), z.unknown()) })
  .parse(JSON.parse(readFileSync(join(repoRoot, 'cdk.json'), 'utf8'))).context;
const statementSchema = z.object({
  Action: z.union([z.string(), z.array(z.string())]),
  Resource: z.unknown(),
  Condition: z.unknown().optional(),
});
const policySchema = z.object({
  Properties: z.object({
    PolicyDocument: z.object({ Statement: z.array(statementSchema) }),
    Roles: z.array(z.object({ Ref: z.string() })),
  }),
});
const hostRole = 'arn:aws:iam::123456789012:role/berth-host';
const agentReleaseUrl = 'https://releases.example.com/berth-agent.tar.gz';

let outdir: string;
let stack: BerthStack;
let template: Template;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'berth-permissions-'));
  // With an agent release, so the permissions are checked with launched hosts joining by themselves.
  stack = new BerthStack(new App({ outdir, context }), 'Berth', { hostRoleArns: [hostRole], agentReleaseUrl });
  template = Template.fromStack(stack);
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/** A resource as the template holds it, with `Fn::Join`s of pseudo parameters read back as `<AWS::Region>`. */
function render(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(render);
  const join = z.object({ 'Fn::Join': z.tuple([z.literal(''), z.array(z.unknown())]) }).safeParse(value);
  if (!join.success) {
    const object = z.record(z.string(), z.unknown()).safeParse(value);
    return object.success ? Object.fromEntries(Object.entries(object.data).map(([k, v]) => [k, render(v)])) : value;
  }
  return join.data['Fn::Join'][1]
    .map((part) => {
      const ref = z.object({ Ref: z.string() }).safeParse(part);
      return ref.success ? `<${ref.data.Ref}>` : String(part);
    })
    .join('');
}

/** The role's statements whose actions belong to one of `services`, one action per entry. */
function statementsOf(name: 'api' | 'scheduler' | 'monitor', services: readonly string[]) {
  const resource = stack.controlPlane[name].role.node.defaultChild;
  if (!(resource instanceof CfnElement)) throw new Error(`${name} has no role resource`);
  const roleId = stack.getLogicalId(resource);
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .map((policy) => policySchema.parse(policy).Properties)
    .filter((policy) => policy.Roles.some((ref) => ref.Ref === roleId))
    .flatMap((policy) => policy.PolicyDocument.Statement)
    .flatMap((s) => (typeof s.Action === 'string' ? [s.Action] : s.Action).map((action) => ({ ...s, Action: action })))
    .filter((s) => services.some((service) => s.Action.startsWith(`${service}:`)))
    .map((s) => ({
      action: s.Action,
      // The CDK sorts a statement's resources; so does this, to compare sets.
      resources: [render(s.Resource)].flat().map(String).sort(),
      ...(s.Condition !== undefined && { condition: render(s.Condition) }),
    }));
}

const services = ['ec2', 'elasticloadbalancing', 'iam'] as const;

/** Statements in a fixed order: the CDK merges and orders them as it likes. */
function sorted<T>(statements: readonly T[]): T[] {
  return [...statements].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}
const ec2 = 'arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>';
const fromTemplate = { ArnLike: { 'ec2:LaunchTemplate': `${ec2}:launch-template/*` } };

describe('the functions’ ELBv2, EC2 and IAM permissions', () => {
  it('gives the api none', () => {
    expect(statementsOf('api', services)).toEqual([]);
  });

  it('gives the scheduler the five target-group actions its ELBv2 adapter calls, the writes on target groups only', () => {
    const targetGroups = 'arn:<AWS::Partition>:elasticloadbalancing:<AWS::Region>:<AWS::AccountId>:targetgroup/*/*';
    expect(sorted(statementsOf('scheduler', services))).toEqual(
      sorted([
        { action: 'elasticloadbalancing:DescribeTargetGroups', resources: ['*'] },
        { action: 'elasticloadbalancing:DescribeTargetGroupAttributes', resources: ['*'] },
        { action: 'elasticloadbalancing:DescribeTargetHealth', resources: ['*'] },
        { action: 'elasticloadbalancing:RegisterTargets', resources: [targetGroups] },
        { action: 'elasticloadbalancing:DeregisterTargets', resources: [targetGroups] },
      ]),
    );
  });

  it('lets the monitor launch tagged instances from launch templates and terminate only instances with that tag, nothing on *', () => {
    const parts = ['launch-template', 'subnet', 'security-group', 'network-interface', 'volume', 'key-pair'];
    expect(sorted(statementsOf('monitor', services))).toEqual(
      sorted([
        {
          action: 'ec2:RunInstances',
          resources: [`${ec2}:instance/*`],
          condition: { ...fromTemplate, Null: { 'aws:RequestTag/berth:capacity-provider': 'false' } },
        },
        {
          action: 'ec2:RunInstances',
          resources: [
            ...[...parts, 'placement-group'].map((type) => `${ec2}:${type}/*`),
            'arn:<AWS::Partition>:ec2:<AWS::Region>::image/*',
          ].sort(),
          condition: fromTemplate,
        },
        {
          action: 'ec2:CreateTags',
          resources: [`${ec2}:instance/*`, `${ec2}:volume/*`, `${ec2}:network-interface/*`].sort(),
          condition: { StringEquals: { 'ec2:CreateAction': 'RunInstances' } },
        },
        {
          action: 'ec2:TerminateInstances',
          resources: [`${ec2}:instance/*`],
          condition: { Null: { 'ec2:ResourceTag/berth:capacity-provider': 'false' } },
        },
        {
          action: 'iam:PassRole',
          resources: [hostRole],
          condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
        },
      ]),
    );
  });

  it('lets the monitor pass no role unless the stack names the hosts’ roles', () => {
    const bare = new BerthStack(new App({ outdir: mkdtempSync(join(outdir, 'bare-')), context }), 'Bare');
    const passRole = Object.values(Template.fromStack(bare).findResources('AWS::IAM::Policy')).flatMap((policy) =>
      policySchema
        .parse(policy)
        .Properties.PolicyDocument.Statement.flatMap((s) => [s.Action].flat())
        .filter((action) => action.startsWith('iam:')),
    );
    expect(passRole).toEqual([]);
  });

  it('gives the monitor, and no other function, the endpoint and agent release that launched hosts install from', () => {
    const variables = (name: 'api' | 'scheduler' | 'monitor') => {
      const resource = stack.controlPlane[name].handler.node.defaultChild;
      if (!(resource instanceof CfnElement)) throw new Error(`${name} has no function resource`);
      const fn = z
        .object({ Properties: z.object({ Environment: z.object({ Variables: z.record(z.string(), z.unknown()) }) }) })
        .parse(template.findResources('AWS::Lambda::Function')[stack.getLogicalId(resource)]);
      return fn.Properties.Environment.Variables;
    };
    const url = stack.controlPlane.apiUrl.node.defaultChild;
    if (!(url instanceof CfnElement)) throw new Error('the api has no function URL resource');
    expect(variables('monitor')).toMatchObject({
      BERTH_AGENT_RELEASE_URL: agentReleaseUrl,
      BERTH_AGENT_ENDPOINT: { 'Fn::GetAtt': [stack.getLogicalId(url), 'FunctionUrl'] },
    });
    for (const name of ['api', 'scheduler'] as const) {
      expect(Object.keys(variables(name)).filter((v) => v.startsWith('BERTH_AGENT_'))).toEqual([]);
    }
  });

  it('refuses an agent release that is not an https:// URL at synthesis', () => {
    const app = new App({ outdir: mkdtempSync(join(outdir, 'release-')), context });
    expect(() => new BerthStack(app, 'Plain', { agentReleaseUrl: 'http://releases.example.com/a.tgz' })).toThrow(
      'agentReleaseUrl: agentReleaseUrl must be an https:// URL',
    );
  });
});
