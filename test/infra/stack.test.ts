import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, CfnElement, Stack, aws_s3_assets } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { berthHandlers, esbuildOptions, repoRoot } from '#infra/constructs/bundling.ts';
import { BerthStack } from '#infra/stacks/berth-stack.ts';
import { BerthState } from '#infra/constructs/berth-state.ts';

// The pieces of a synthesized template these tests read, checked rather than cast.
const statementSchema = z.object({
  Effect: z.string(),
  Action: z.union([z.string(), z.array(z.string())]),
});
const policySchema = z.object({
  Properties: z.object({
    PolicyDocument: z.object({ Statement: z.array(statementSchema) }),
    Roles: z.array(z.object({ Ref: z.string() })),
  }),
});
const roleSchema = z.object({
  Properties: z.object({
    ManagedPolicyArns: z.array(z.unknown()).optional(),
    Policies: z.array(z.object({ PolicyDocument: z.object({ Statement: z.array(statementSchema) }) })).optional(),
  }),
});
const functionSchema = z.object({ Properties: z.object({ Timeout: z.number() }) });
const queueSchema = z.object({ Properties: z.object({ VisibilityTimeout: z.number() }) });
const cdkJsonSchema = z.object({
  app: z.string(),
  notices: z.boolean(),
  versionReporting: z.boolean(),
  context: z.record(z.string(), z.unknown()),
});

const cdkJson = cdkJsonSchema.parse(JSON.parse(readFileSync(join(repoRoot, 'cdk.json'), 'utf8')));
const functionNames = ['api', 'scheduler', 'monitor'] as const;

interface GrantCase {
  readonly name: (typeof functionNames)[number];
  readonly allowed: readonly string[];
  readonly denied: readonly string[];
}

// Every function reads and writes the table; only the scheduler consumes the
// queue (it also sends, to ask for another pass after lost placement races).
const grantCases: readonly GrantCase[] = [
  {
    name: 'api',
    allowed: ['dynamodb:PutItem', 'sqs:SendMessage', 'kms:Decrypt', 'kms:Encrypt'],
    // Encrypt and Decrypt only: not the ReEncrypt and GenerateDataKey
    // wildcards that grantEncryptDecrypt would add.
    denied: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'],
  },
  {
    name: 'scheduler',
    allowed: ['dynamodb:PutItem', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:SendMessage'],
    denied: ['sqs:PurgeQueue', 'sqs:DeleteQueue', 'kms:Decrypt'],
  },
  {
    name: 'monitor',
    allowed: ['dynamodb:PutItem', 'sqs:SendMessage'],
    denied: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'kms:Decrypt'],
  },
];

let outdir: string;
let stack: BerthStack;
let template: Template;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'berth-infra-'));
  // The same feature flags `cdk synth` runs with.
  const app = new App({ outdir, context: cdkJson.context });
  stack = new BerthStack(app, 'Berth');
  // Synthesis bundles the three handlers with esbuild, once for the file.
  template = Template.fromStack(stack);
});

afterAll(() => {
  rmSync(outdir, { recursive: true, force: true });
});

function logicalId(construct: IConstruct): string {
  const resource = construct.node.defaultChild;
  if (!(resource instanceof CfnElement)) {
    throw new Error(`${construct.node.path} has no CloudFormation resource`);
  }
  return stack.getLogicalId(resource);
}

function resource<T>(schema: z.ZodType<T>, type: string, id: string): T {
  return schema.parse(template.findResources(type)[id]);
}

function actionsOf(statements: readonly z.infer<typeof statementSchema>[]): string[] {
  return statements.flatMap((statement) =>
    typeof statement.Action === 'string' ? [statement.Action] : statement.Action,
  );
}

/** Every action any policy attached to the role allows. */
function roleActions(role: IConstruct): string[] {
  const roleId = logicalId(role);
  const attached = Object.values(template.findResources('AWS::IAM::Policy'))
    .map((policy) => policySchema.parse(policy).Properties)
    .filter((policy) => policy.Roles.some((ref) => ref.Ref === roleId));
  return attached.flatMap((policy) => actionsOf(policy.PolicyDocument.Statement));
}

describe('cdk.json', () => {
  it('runs the app with tsx and keeps the CLI off the network', () => {
    expect(cdkJson.app).toBe('npx tsx infra/app.ts');
    expect(cdkJson.notices).toBe(false);
    expect(cdkJson.versionReporting).toBe(false);
    expect(cdkJson.context['cli-telemetry']).toBe(false);
  });
});

describe('the Berth stack', () => {
  it('keeps access-key secrets under a retained KMS key with rotation, named in an output', () => {
    template.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true },
      DeletionPolicy: 'Retain',
    });
    template.hasOutput('SecretsKeyArn', {});
  });

  it('prints the table name operators pass to `berth bootstrap`', () => {
    template.hasOutput('TableName', { Value: { Ref: logicalId(stack.state.table) } });
  });

  it('keeps state in a retained, encrypted, point-in-time-recoverable table', () => {
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: Match.arrayWith([
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ]),
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        Replicas: [
          Match.objectLike({
            DeletionProtectionEnabled: true,
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          }),
        ],
      },
    });
  });

  it('sends poison reconcile messages to a FIFO dead-letter queue after five receives', () => {
    template.resourceCountIs('AWS::SQS::Queue', 2);
    template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'Berth-reconcile.fifo',
      FifoQueue: true,
      ContentBasedDeduplication: false,
      SqsManagedSseEnabled: true,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(stack.state.deadLetterQueue), 'Arn'] },
        maxReceiveCount: 5,
      },
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'Berth-reconcile-dlq.fifo',
      FifoQueue: true,
      SqsManagedSseEnabled: true,
    });
  });

  it.each([['reconcileQueue'], ['deadLetterQueue']] as const)('refuses plain HTTP on the %s', (queue) => {
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: logicalId(stack.state[queue]) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('hides a reconcile message for at least six scheduler timeouts', () => {
    const queue = resource(queueSchema, 'AWS::SQS::Queue', logicalId(stack.state.reconcileQueue));
    const scheduler = resource(
      functionSchema,
      'AWS::Lambda::Function',
      logicalId(stack.controlPlane.scheduler.handler),
    );
    expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * scheduler.Properties.Timeout);
  });

  it('deploys exactly the three Berth functions', () => {
    template.resourceCountIs('AWS::Lambda::Function', 3);
  });

  it.each(functionNames)('runs the %s function on arm64 Node 24 with the Berth environment', (name) => {
    const fn = stack.controlPlane[name];
    const matching = template.findResources('AWS::Lambda::Function', {
      Properties: {
        FunctionName: Match.absent(),
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        LoggingConfig: { LogGroup: { Ref: logicalId(fn.node.findChild('Logs')) } },
        Environment: {
          Variables: {
            BERTH_TABLE_NAME: { Ref: logicalId(stack.state.table) },
            BERTH_QUEUE_URL: { Ref: logicalId(stack.state.reconcileQueue) },
            BERTH_DLQ_URL: { Ref: logicalId(stack.state.deadLetterQueue) },
            BERTH_ACCOUNT_ID: { Ref: 'AWS::AccountId' },
            BERTH_HEARTBEAT_TTL_SECONDS: '60',
            BERTH_POLL_INTERVAL_SECONDS: '20',
            NODE_OPTIONS: '--enable-source-maps',
          },
        },
      },
    });

    expect(Object.keys(matching)).toContain(logicalId(fn.handler));
  });

  it.each(functionNames)('bundles the %s handler exactly as `npm run build` does', async (name) => {
    const code = stack.controlPlane[name].handler.node.findChild('Code');
    if (!(code instanceof aws_s3_assets.Asset)) {
      throw new Error(`the ${name} function's code is not a bundled asset`);
    }
    const assetDir = join(outdir, code.assetPath);
    // The api ships the web console's files beside its bundle.
    const beside = name === 'api' ? ['console'] : [];
    expect(readdirSync(assetDir).sort()).toEqual([...beside, 'index.mjs', 'index.mjs.map']);
    if (name === 'api')
      expect(readdirSync(join(assetDir, 'console')).sort()).toEqual(['console.css', 'console.js', 'index.html']);

    const local = await build({ ...esbuildOptions(berthHandlers[name], join(assetDir, 'index.mjs')), write: false });
    const localCode = local.outputFiles.find((file) => file.path.endsWith('index.mjs'));
    expect(localCode?.text).toBe(readFileSync(join(assetDir, 'index.mjs'), 'utf8'));
  });

  it('consumes the reconcile queue in batches of ten, reporting partial failures', () => {
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalId(stack.controlPlane.scheduler.handler) },
      EventSourceArn: { 'Fn::GetAtt': [logicalId(stack.state.reconcileQueue), 'Arn'] },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('runs the monitor every minute', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalId(stack.controlPlane.monitor.handler), 'Arn'] } })],
    });
  });

  it('serves the api on a public function URL and exports it', () => {
    template.resourceCountIs('AWS::Lambda::Url', 1);
    template.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'NONE',
      TargetFunctionArn: { 'Fn::GetAtt': [logicalId(stack.controlPlane.api.handler), 'Arn'] },
    });
    template.hasOutput('ApiUrl', {
      Value: { 'Fn::GetAtt': [logicalId(stack.controlPlane.apiUrl), 'FunctionUrl'] },
    });
  });

  it('grants no IAM role a wildcard action or an AWS managed policy', () => {
    const inline = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy) =>
      actionsOf(policySchema.parse(policy).Properties.PolicyDocument.Statement),
    );
    const roles = Object.values(template.findResources('AWS::IAM::Role')).map((role) => roleSchema.parse(role));
    const embedded = roles.flatMap((role) =>
      (role.Properties.Policies ?? []).flatMap((policy) => actionsOf(policy.PolicyDocument.Statement)),
    );
    const actions = [...inline, ...embedded];

    expect(actions.length).toBeGreaterThan(0);
    // No `*` anywhere in an action: not `*`, not `sqs:*`, not `kms:GenerateDataKey*`.
    expect(actions.filter((action) => action.includes('*'))).toEqual([]);
    expect(roles.map((role) => role.Properties.ManagedPolicyArns ?? [])).toEqual(roles.map(() => []));
  });

  it.each(grantCases)('gives the $name function only what it uses', ({ name, allowed, denied }) => {
    const role = stack.controlPlane[name].handler.role;
    if (role === undefined) {
      throw new Error(`the ${name} function has no role`);
    }
    const actions = roleActions(role);

    expect(actions).toEqual(expect.arrayContaining([...allowed, 'logs:PutLogEvents']));
    // The ELBv2 and EC2 grants, exact per function: control-plane-permissions.test.ts.
    expect(actions.filter((action) => denied.includes(action))).toEqual([]);
  });
});

describe('BerthState queue names', () => {
  it.each([
    { stackName: 'Berth', queue: 'Berth-reconcile.fifo', dlq: 'Berth-reconcile-dlq.fifo' },
    { stackName: 'BerthStaging', queue: 'BerthStaging-reconcile.fifo', dlq: 'BerthStaging-reconcile-dlq.fifo' },
  ])('derives $queue from the stack name $stackName', ({ stackName, queue, dlq }) => {
    const state = new BerthState(new Stack(new App(), stackName), 'State');
    const names = Object.values(Template.fromStack(Stack.of(state)).findResources('AWS::SQS::Queue')).map(
      (found) => z.object({ Properties: z.object({ QueueName: z.string() }) }).parse(found).Properties.QueueName,
    );

    expect(names.sort()).toEqual([dlq, queue].sort());
  });

  it('refuses a stack name that would overflow the 80-character queue name', () => {
    const stack80 = new Stack(new App(), 'B'.repeat(70));

    expect(() => new BerthState(stack80, 'State')).toThrow(/longer than SQS's 80 characters/);
  });
});
