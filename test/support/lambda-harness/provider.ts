import { rmSync } from 'node:fs';
import { functionEnvironment } from './index.ts';
import { FunctionHost } from './function-host.ts';
import { startResponseEndpoint, type ResponseEndpoint } from './cloudformation-responses.ts';
import { synthesizeProviderBlueprint, type ProviderBlueprint } from './provider-blueprint.ts';
import { ProviderFramework } from './provider-framework.ts';

export interface ProviderHarnessOptions {
  /** The AWS-compatible endpoint (moto server) holding the Berth key's secret. */
  readonly awsEndpoint: string;
  /** @default us-east-1 */
  readonly region?: string;
  /** @default 1000 (the construct's: 10 s) */
  readonly queryIntervalMs?: number;
  /** @default 180000 (the construct's: one hour) */
  readonly totalTimeoutMs?: number;
}

export interface ProviderHarness {
  readonly blueprint: ProviderBlueprint;
  readonly onEvent: FunctionHost;
  readonly isComplete: FunctionHost;
  readonly responses: ResponseEndpoint;
  /** Sends CloudFormation events through the provider framework to the two functions. */
  readonly framework: ProviderFramework;
  stop(): Promise<void>;
}

/**
 * The `berth/cdk` custom resource provider as CloudFormation runs it: the
 * provider's bundles from a synthesized user stack, each in Lambda-shaped
 * processes with the environment the construct gives it, behind the CDK
 * provider framework, answering on CloudFormation's pre-signed response URLs.
 */
export async function startProviderHarness(options: ProviderHarnessOptions): Promise<ProviderHarness> {
  const region = options.region ?? 'us-east-1';
  const blueprint = synthesizeProviderBlueprint(region);
  const responses = await startResponseEndpoint();
  const host = (fn: ProviderBlueprint['onEvent']) => {
    const name = `UserStack-${fn.logicalId}`;
    const literal = {
      resolve(value: unknown): string {
        if (typeof value !== 'string') throw new Error(`the provider's environment holds ${JSON.stringify(value)}`);
        return value;
      },
    };
    return new FunctionHost({
      name,
      arn: `arn:aws:lambda:${region}:123456789012:function:${name}`,
      codeDir: fn.codeDir,
      timeoutSeconds: fn.timeoutSeconds,
      environment: functionEnvironment(fn, name, literal, { endpoint: options.awsEndpoint, region }),
      maxConcurrency: 1,
    });
  };
  const onEvent = host(blueprint.onEvent);
  const isComplete = host(blueprint.isComplete);
  const framework = new ProviderFramework({
    onEvent,
    isComplete,
    responses,
    queryIntervalMs: options.queryIntervalMs ?? 1_000,
    totalTimeoutMs: options.totalTimeoutMs ?? 180_000,
  });
  return {
    blueprint,
    onEvent,
    isComplete,
    responses,
    framework,
    async stop() {
      await onEvent.stop();
      await isComplete.stop();
      await responses.stop();
      rmSync(blueprint.outdir, { recursive: true, force: true });
    },
  };
}
