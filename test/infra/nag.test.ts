import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations, aws_iam as iam, aws_kms as kms } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { addBerthChecks } from '#infra/checks.ts';
import { repoRoot } from '#infra/constructs/bundling.ts';
import { BerthStack } from '#infra/stacks/berth-stack.ts';

// The same feature flags `cdk synth` runs with.
const context = z
  .object({ context: z.record(z.string(), z.unknown()) })
  .parse(JSON.parse(readFileSync(join(repoRoot, 'cdk.json'), 'utf8'))).context;
const acknowledgedRulesSchema = z.record(z.string(), z.string());

const ec2Arn = 'arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>';

/**
 * `<construct path>: <finding id>` of every finding Berth accepts, as listed
 * with its reason under "Accepted findings" in infra/README.md: the wildcard
 * resources of ELBv2 and EC2 actions that take no narrower one.
 */
const acceptedFindings: readonly string[] = [
  'Berth/ControlPlane/Scheduler/Role: AwsSolutions-IAM5[Resource::*]',
  'Berth/ControlPlane/Scheduler/Role: AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:elasticloadbalancing:<AWS::Region>:<AWS::AccountId>:targetgroup/*/*]',
  ...[
    'instance',
    'launch-template',
    'subnet',
    'security-group',
    'network-interface',
    'volume',
    'key-pair',
    'placement-group',
  ].map((type) => `Berth/ControlPlane/Monitor/Role: AwsSolutions-IAM5[Resource::${ec2Arn}:${type}/*]`),
  'Berth/ControlPlane/Monitor/Role: AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:<AWS::Region>::image/*]',
];

const outdirs: string[] = [];

/** An app with Berth's checks registered, as infra/app.ts builds it. */
function checkedApp(): App {
  const outdir = mkdtempSync(join(tmpdir(), 'berth-nag-'));
  outdirs.push(outdir);
  const app = new App({ outdir, context });
  addBerthChecks(app);
  return app;
}

/**
 * `<construct path>: <finding id>` for every finding acknowledged anywhere in
 * the app. The CDK records an id without a plugin prefix as `Annotation::<id>`;
 * the prefix is dropped so the list reads as the ids that were acknowledged.
 */
function acknowledgments(app: App): string[] {
  return app.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.keys(acknowledgedRulesSchema.parse(entry.data)))
      .map((id) => `${construct.node.path}: ${id.replace(/^annotation::/i, '')}`),
  );
}

afterAll(() => {
  for (const outdir of outdirs) {
    rmSync(outdir, { recursive: true, force: true });
  }
});

describe('the Berth stack under cdk-nag AwsSolutions', () => {
  let app: App;
  let stack: BerthStack;

  beforeAll(() => {
    app = checkedApp();
    // Constructing the stack bundles the three handlers with esbuild.
    stack = new BerthStack(app, 'Berth');
  });

  it('has no finding, error or warning', () => {
    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(stack);
    const findings = report.violations.map(
      (violation) =>
        `${violation.severity} ${violation.ruleName} at ${violation.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );

    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });

  // Synthesis runs every check over the whole stack: seconds alone, far more on a busy machine.
  it('synthesizes with the checks registered', { timeout: 120_000 }, () => {
    expect(app.synth().getStackByName('Berth').template).toHaveProperty('Resources');
  });

  // An acknowledgment anywhere else, a stack-wide one included, fails here.
  it('acknowledges exactly the accepted findings', () => {
    expect(acknowledgments(app)).toEqual(acceptedFindings);
  });
});

interface WiringCase {
  readonly name: string;
  readonly acknowledged: readonly string[];
  readonly failure: RegExp | undefined;
}

// kms:ReEncrypt* and kms:GenerateDataKey* are the wildcards grantEncryptDecrypt
// adds, and the reason the api's grant names its two actions instead.
const reEncrypt = 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]';
const generateDataKey = 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]';

const wiringCases: readonly WiringCase[] = [
  { name: 'an unacknowledged wildcard fails synthesis', acknowledged: [], failure: /IAM5\[Action::kms:ReEncrypt\*\]/ },
  {
    name: 'acknowledging one finding leaves the other failing',
    acknowledged: [reEncrypt],
    failure: /IAM5\[Action::kms:GenerateDataKey\*\]/,
  },
  {
    name: 'acknowledging each finding by its id passes',
    acknowledged: [reEncrypt, generateDataKey],
    failure: undefined,
  },
];

describe('addBerthChecks', () => {
  it.each(wiringCases)('$name', ({ acknowledged, failure }) => {
    const app = checkedApp();
    const stack = new Stack(app, 'Wildcards');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    new kms.Key(stack, 'Key', { enableKeyRotation: true }).grantEncryptDecrypt(role);
    for (const id of acknowledged) {
      Validations.of(role).acknowledge({ id, reason: 'a test of the acknowledgment mechanism' });
    }
    expect(acknowledgments(app)).toEqual(acknowledged.map((id) => `Wildcards/Role: ${id}`));

    if (failure === undefined) {
      expect(() => app.synth()).not.toThrow();
    } else {
      expect(() => app.synth()).toThrow(failure);
    }
  });
});
