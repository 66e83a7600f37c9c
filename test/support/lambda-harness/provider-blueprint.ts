import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, aws_secretsmanager as secretsmanager } from 'aws-cdk-lib';
import { BerthCluster } from '#infra/cdk/index.ts';
import { functionAt, logicalIdOf, type FunctionBlueprint } from './blueprint.ts';

/** One of the provider's functions, as the harness reads the control plane's. */
export type ProviderFunctionBlueprint = Omit<FunctionBlueprint, 'name'>;

export interface ProviderBlueprint {
  readonly outdir: string;
  readonly onEvent: ProviderFunctionBlueprint;
  readonly isComplete: ProviderFunctionBlueprint;
}

/**
 * Synthesizes a user's stack declaring one `BerthCluster` (which brings the
 * stack's provider) and reads the provider's two functions from the template:
 * their bundles, handlers, timeouts and environment, as CloudFormation would
 * create them.
 */
export function synthesizeProviderBlueprint(region: string): ProviderBlueprint {
  const outdir = mkdtempSync(join(tmpdir(), 'berth-provider-harness-'));
  const app = new App({ outdir });
  const stack = new Stack(app, 'UserStack', { env: { account: '123456789012', region } });
  const credentials = new secretsmanager.Secret(stack, 'BerthKey');
  new BerthCluster(stack, 'Cluster', { connection: { endpoint: 'http://127.0.0.1', credentials }, clusterName: 'x' });
  const template = app.synth().getStackByName('UserStack').template as {
    Resources: Record<string, { Properties?: unknown }>;
  };
  const provider = stack.node.findChild('BerthProvider');
  const fn = (id: 'OnEvent' | 'IsComplete'): ProviderFunctionBlueprint =>
    functionAt(template, outdir, logicalIdOf(stack, provider.node.findChild(id).node.defaultChild));
  return { outdir, onEvent: fn('OnEvent'), isComplete: fn('IsComplete') };
}
