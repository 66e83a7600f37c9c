import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { BerthStackProps } from '#infra/stacks/berth-stack.ts';
import { startMoto, type AwsEndpoint } from '../aws-endpoint.ts';
import {
  FUNCTION_NAMES,
  synthesizeBlueprint,
  type FunctionBlueprint,
  type FunctionName,
  type StackBlueprint,
} from './blueprint.ts';
import { FunctionHost } from './function-host.ts';
import { startFunctionUrl } from './function-url.ts';
import { deployState, type AwsTarget, type DeployedState } from './resources.ts';
import { scheduledEvent, startSchedule } from './schedule.ts';
import { startEventSource } from './sqs-event-source.ts';

export interface LambdaHarnessOptions {
  /** An AWS-compatible endpoint (moto server); by default the harness starts a moto server of its own. */
  readonly awsEndpoint?: string;
  /** @default us-east-1 */
  readonly region?: string;
  /** The stack's name, which prefixes the queue names. @default Berth<random> */
  readonly stackName?: string;
  /** Props of BerthStack (heartbeatTtlSeconds, pollIntervalSeconds), as infra/app.ts passes them. */
  readonly stackProps?: BerthStackProps;
  /** Replaces the queue's visibility timeout (the stack's: six times the scheduler's timeout). */
  readonly visibilityTimeoutSeconds?: number;
  /** Replaces the monitor's schedule (the stack's rule: once a minute). */
  readonly monitorIntervalMs?: number;
  /** The port of the api's URL on 127.0.0.1. @default a free one */
  readonly apiPort?: number;
  /** Every line a function writes, as it comes (its CloudWatch log). */
  readonly onLog?: (functionName: FunctionName, line: string) => void;
}

/**
 * What a harness gives its caller. `env` holds what a user of the deployment
 * needs besides the endpoint: where the emulated AWS is and the names
 * `berth bootstrap` asks for.
 */
export interface LambdaHarness {
  /** The api's function URL (loopback, plain http). */
  readonly endpoint: string;
  readonly env: {
    readonly AWS_ENDPOINT_URL: string;
    readonly AWS_REGION: string;
    readonly AWS_ACCESS_KEY_ID: string;
    readonly AWS_SECRET_ACCESS_KEY: string;
    readonly BERTH_TABLE_NAME: string;
    readonly BERTH_KMS_KEY_ID: string;
    readonly BERTH_QUEUE_URL: string;
    readonly BERTH_DLQ_URL: string;
  };
  readonly blueprint: StackBlueprint;
  readonly state: DeployedState;
  readonly functions: Readonly<Record<FunctionName, FunctionHost>>;
  /** Invokes the monitor now, as its schedule would (for tests that must not wait for the rule). */
  runMonitor(): Promise<void>;
  /** Stops everything the harness started: pollers, functions' processes, the URL and its own moto server. */
  stop(): Promise<void>;
}

/** The emulator's credentials, standing in for each function's execution role. */
const roleCredentials = {
  AWS_ACCESS_KEY_ID: 'ASIAHARNESSROLE00000',
  AWS_SECRET_ACCESS_KEY: 'harness-role-secret',
  AWS_SESSION_TOKEN: 'harness-role-session-token',
};

/**
 * The environment Lambda gives a function: the stack's variables, resolved to
 * the deployed resources, and Lambda's reserved ones. One addition Lambda
 * does not make: AWS_ENDPOINT_URL, which points the functions at the emulator.
 */
export function functionEnvironment(
  fn: Pick<FunctionBlueprint, 'environment' | 'memoryMb' | 'codeDir' | 'handler'>,
  functionName: string,
  state: Pick<DeployedState, 'resolve'>,
  target: Pick<AwsTarget, 'endpoint' | 'region'>,
): Record<string, string> {
  const variables = Object.fromEntries(
    Object.entries(fn.environment).map(([name, value]) => [name, state.resolve(value)]),
  );
  return {
    ...variables,
    AWS_REGION: target.region,
    AWS_DEFAULT_REGION: target.region,
    ...roleCredentials,
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: `${new Date().toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]${randomBytes(16).toString('hex')}`,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    LAMBDA_TASK_ROOT: fn.codeDir,
    _HANDLER: fn.handler,
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
    AWS_ENDPOINT_URL: target.endpoint,
  };
}

/**
 * Runs Berth as its CDK stack deploys it, on a laptop: synthesizes the stack
 * (which bundles the functions), creates its table, queues and key on moto
 * server, and runs each function in node processes of its own behind what
 * invokes it in AWS: the function URL, the SQS event source mapping, the
 * schedule rule.
 */
export async function startLambdaHarness(options: LambdaHarnessOptions = {}): Promise<LambdaHarness> {
  const region = options.region ?? 'us-east-1';
  const stackName = options.stackName ?? `Berth${randomBytes(4).toString('hex')}`;
  let moto: AwsEndpoint | undefined;
  const stoppers: (() => Promise<void> | void)[] = [];
  const stop = async () => {
    for (const stopper of stoppers.splice(0).reverse()) await stopper();
    await moto?.stop();
  };
  try {
    const blueprint = synthesizeBlueprint({ stackName, ...(options.stackProps && { stackProps: options.stackProps }) });
    stoppers.push(() => rmSync(blueprint.outdir, { recursive: true, force: true }));
    if (options.awsEndpoint === undefined) moto = await startMoto();
    const target: AwsTarget = {
      endpoint: options.awsEndpoint ?? moto?.url ?? '',
      region,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    };
    const state = await deployState(blueprint, target, {
      ...(options.visibilityTimeoutSeconds !== undefined && {
        visibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
      }),
    });

    const host = (name: FunctionName, maxConcurrency: number) => {
      const fn = blueprint.functions[name];
      const functionName = `${stackName}-${fn.logicalId}`;
      const created = new FunctionHost({
        name: functionName,
        arn: `arn:aws:lambda:${region}:${state.account}:function:${functionName}`,
        codeDir: fn.codeDir,
        timeoutSeconds: fn.timeoutSeconds,
        environment: functionEnvironment(fn, functionName, state, target),
        maxConcurrency,
      });
      if (options.onLog) created.onLog = (line) => options.onLog?.(name, line);
      stoppers.push(() => created.stop());
      return created;
    };
    // The api serves agents' polls and users' calls at once: a few environments, as Lambda would scale it.
    const functions = { api: host('api', 4), scheduler: host('scheduler', 1), monitor: host('monitor', 2) };

    const url = await startFunctionUrl(functions.api, {
      accountId: state.account,
      region,
      ...(options.apiPort !== undefined && { port: options.apiPort }),
    });
    stoppers.push(() => closeServer(url.server));

    const sqs = new SQSClient(target);
    stoppers.push(() => sqs.destroy());
    const mapping = startEventSource(functions.scheduler, {
      sqs,
      queueUrl: state.queueUrl,
      queueArn: state.queueArn,
      region,
      batchSize: blueprint.eventSource.batchSize,
      reportBatchItemFailures: blueprint.eventSource.reportBatchItemFailures,
    });
    stoppers.push(() => mapping.stop());

    const ruleContext = {
      account: state.account,
      region,
      ruleArn: `arn:aws:events:${region}:${state.account}:rule/${stackName}-MonitorSchedule`,
    };
    const schedule = startSchedule(
      functions.monitor,
      options.monitorIntervalMs ?? blueprint.monitorRateSeconds * 1000,
      ruleContext,
    );
    stoppers.push(() => schedule.stop());

    return {
      endpoint: url.url,
      env: {
        AWS_ENDPOINT_URL: target.endpoint,
        AWS_REGION: region,
        AWS_ACCESS_KEY_ID: target.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: target.credentials.secretAccessKey,
        BERTH_TABLE_NAME: state.tableName,
        BERTH_KMS_KEY_ID: state.keyArn,
        BERTH_QUEUE_URL: state.queueUrl,
        BERTH_DLQ_URL: state.deadLetterQueueUrl,
      },
      blueprint,
      state,
      functions,
      async runMonitor() {
        const outcome = await functions.monitor.invoke(scheduledEvent(ruleContext));
        if (!outcome.ok) throw new Error(`the monitor failed: ${outcome.errorType}: ${outcome.errorMessage}`);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

export { FUNCTION_NAMES, type FunctionName };
export type { FunctionHost, InvocationStart } from './function-host.ts';

/** The short name other suites import: `start({...})` -> `{ endpoint, env, stop() }`. */
export const start = startLambdaHarness;
