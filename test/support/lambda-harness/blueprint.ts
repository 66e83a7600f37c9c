import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, CfnElement, type Stack } from 'aws-cdk-lib';
import * as z from 'zod';
import { BerthStack, type BerthStackProps } from '#infra/stacks/berth-stack.ts';

/** A CloudFormation value as the template holds it: a literal or an intrinsic the harness resolves. */
export type CfnValue = string | number | boolean | { Ref: string } | { 'Fn::GetAtt': [string, string] };

export const FUNCTION_NAMES = ['api', 'scheduler', 'monitor'] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

export interface FunctionBlueprint {
  readonly name: FunctionName;
  readonly logicalId: string;
  /** The synthesized asset: the very index.mjs (and map) `cdk deploy` uploads. */
  readonly codeDir: string;
  readonly handler: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly environment: Readonly<Record<string, CfnValue>>;
}

/**
 * What the harness reads from the synthesized Berth stack: the functions, the
 * state they run over, the scheduler's event source and the monitor's
 * schedule. Taken from the template, so the harness runs what the stack
 * deploys rather than a copy of it.
 */
export interface StackBlueprint {
  readonly stackName: string;
  readonly outdir: string;
  readonly functions: Readonly<Record<FunctionName, FunctionBlueprint>>;
  readonly table: { readonly logicalId: string; readonly properties: TableProperties };
  readonly queue: { readonly logicalId: string; readonly properties: QueueProperties };
  readonly deadLetterQueue: { readonly logicalId: string; readonly properties: QueueProperties };
  readonly key: { readonly logicalId: string; readonly description: string; readonly rotation: boolean };
  readonly eventSource: { readonly batchSize: number; readonly reportBatchItemFailures: boolean };
  readonly monitorRateSeconds: number;
}

const cfnValue: z.ZodType<CfnValue> = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.object({ Ref: z.string() }).strict(),
  z.object({ 'Fn::GetAtt': z.tuple([z.string(), z.string()]) }).strict(),
]);

const functionResource = z.object({
  Properties: z.object({
    Code: z.object({ S3Key: z.string() }),
    Handler: z.string(),
    Timeout: z.number(),
    MemorySize: z.number(),
    Environment: z.object({ Variables: z.record(z.string(), cfnValue) }),
  }),
});

const tableProperties = z.object({
  KeySchema: z.array(z.object({ AttributeName: z.string(), KeyType: z.enum(['HASH', 'RANGE']) })),
  AttributeDefinitions: z.array(z.object({ AttributeName: z.string(), AttributeType: z.string() })),
  BillingMode: z.string(),
  TimeToLiveSpecification: z.object({ AttributeName: z.string(), Enabled: z.boolean() }).optional(),
});
export type TableProperties = z.infer<typeof tableProperties>;

const queueProperties = z.object({
  QueueName: z.string(),
  FifoQueue: z.boolean().optional(),
  ContentBasedDeduplication: z.boolean().optional(),
  VisibilityTimeout: z.number().optional(),
  MessageRetentionPeriod: z.number().optional(),
  SqsManagedSseEnabled: z.boolean().optional(),
  RedrivePolicy: z
    .object({
      deadLetterTargetArn: z.object({ 'Fn::GetAtt': z.tuple([z.string(), z.string()]) }),
      maxReceiveCount: z.number(),
    })
    .optional(),
});
export type QueueProperties = z.infer<typeof queueProperties>;

const keyProperties = z.object({ Description: z.string(), EnableKeyRotation: z.boolean().optional() });
const mappingProperties = z.object({
  BatchSize: z.number(),
  FunctionResponseTypes: z.array(z.string()).optional(),
});
const ruleProperties = z.object({ ScheduleExpression: z.string() });

export interface BlueprintOptions {
  /** Stack name: also the prefix of the queue names, so two harnesses on one emulator never share a queue. */
  readonly stackName: string;
  /** Props of the stack (heartbeat and poll intervals), as infra/app.ts would pass them. */
  readonly stackProps?: BerthStackProps;
}

/** Synthesizes the Berth stack, bundling its functions exactly as `cdk deploy` does, and reads it. */
export function synthesizeBlueprint(options: BlueprintOptions): StackBlueprint {
  const outdir = mkdtempSync(join(tmpdir(), 'berth-lambda-harness-'));
  const app = new App({ outdir });
  const stack = new BerthStack(app, options.stackName, options.stackProps ?? {});
  const template = app.synth().getStackByName(options.stackName).template as {
    Resources: Record<string, { Properties?: unknown }>;
  };
  const properties = <T>(schema: z.ZodType<T>, logicalId: string): T =>
    schema.parse(template.Resources[logicalId]?.Properties);

  const fn = (name: FunctionName): FunctionBlueprint => ({
    name,
    ...functionAt(template, outdir, logicalIdOf(stack, stack.controlPlane[name].handler.node.defaultChild)),
  });
  const ofType = (type: string) =>
    Object.entries(template.Resources).filter(([, resource]) => (resource as { Type?: string }).Type === type);
  const only = (type: string): [string, { Properties?: unknown }] => {
    const found = ofType(type);
    if (found.length !== 1) throw new Error(`expected one ${type} in the Berth stack, found ${found.length}`);
    return found[0] as [string, { Properties?: unknown }];
  };

  const queueId = logicalIdOf(stack, stack.state.reconcileQueue.node.defaultChild);
  const deadLetterId = logicalIdOf(stack, stack.state.deadLetterQueue.node.defaultChild);
  const tableId = logicalIdOf(stack, stack.state.table.node.defaultChild);
  const keyId = logicalIdOf(stack, stack.state.secretsKey.node.defaultChild);
  const key = properties(keyProperties, keyId);
  const mapping = mappingProperties.parse(only('AWS::Lambda::EventSourceMapping')[1].Properties);
  const rule = ruleProperties.parse(only('AWS::Events::Rule')[1].Properties);
  return {
    stackName: options.stackName,
    outdir,
    functions: { api: fn('api'), scheduler: fn('scheduler'), monitor: fn('monitor') },
    table: { logicalId: tableId, properties: properties(tableProperties, tableId) },
    queue: { logicalId: queueId, properties: properties(queueProperties, queueId) },
    deadLetterQueue: { logicalId: deadLetterId, properties: properties(queueProperties, deadLetterId) },
    key: { logicalId: keyId, description: key.Description, rotation: key.EnableKeyRotation === true },
    eventSource: {
      batchSize: mapping.BatchSize,
      reportBatchItemFailures: mapping.FunctionResponseTypes?.includes('ReportBatchItemFailures') === true,
    },
    monitorRateSeconds: rateSeconds(rule.ScheduleExpression),
  };
}

/** One function of a synthesized template: its asset directory under `outdir`, handler, limits and environment. */
export function functionAt(
  template: { Resources: Record<string, unknown> },
  outdir: string,
  logicalId: string,
): Omit<FunctionBlueprint, 'name'> {
  const { Properties: p } = functionResource.parse(template.Resources[logicalId]);
  return {
    logicalId,
    codeDir: join(outdir, `asset.${p.Code.S3Key.replace(/\.zip$/, '')}`),
    handler: p.Handler,
    timeoutSeconds: p.Timeout,
    memoryMb: p.MemorySize,
    environment: p.Environment.Variables,
  };
}

export function logicalIdOf(stack: Stack, resource: unknown): string {
  if (!(resource instanceof CfnElement)) throw new Error('a Berth construct has no CloudFormation resource');
  return stack.getLogicalId(resource);
}

/** `rate(1 minute)`, `rate(5 minutes)`, `rate(30 seconds)` -> seconds. */
export function rateSeconds(expression: string): number {
  const match = /^rate\((\d+) (second|minute|hour|day)s?\)$/.exec(expression);
  if (!match) throw new Error(`the harness reads rate() schedules only, not ${expression}`);
  const unit = { second: 1, minute: 60, hour: 3600, day: 86_400 }[match[2] as 'second' | 'minute' | 'hour' | 'day'];
  return Number(match[1]) * unit;
}
