import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, RemovalPolicy, aws_lambda as lambda, aws_logs as logs } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { bundledCode, provisionerHandler, repoRoot } from '../constructs/bundling.ts';

/** The bundle `npm pack` ships (`prepack` runs `npm run build`), for stacks that install Berth as a package. */
const prebuilt = join(repoRoot, 'dist', 'provisioner');

/**
 * One of the provider's two functions. In the repository (package-lock.json
 * beside the sources) it is bundled from source with the local esbuild, as
 * the control plane's functions are; in an installed package, which carries
 * no lock file, it is the prebuilt bundle.
 */
export function provisionerFunction(
  scope: Construct,
  id: string,
  exportName: 'onEvent' | 'isComplete',
  description: string,
): lambda.Function {
  const common = {
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: 256,
    timeout: Duration.minutes(2),
    description,
    logGroup: new logs.LogGroup(scope, `${id}Logs`, {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    }),
    environment: { NODE_OPTIONS: '--enable-source-maps' },
  };
  const lockFile = join(repoRoot, 'package-lock.json');
  if (existsSync(lockFile)) {
    return new lambda.Function(scope, id, {
      ...common,
      code: bundledCode(provisionerHandler.provisioner),
      handler: `index.${exportName}`,
    });
  }
  if (!existsSync(join(prebuilt, 'index.mjs'))) {
    throw new Error(
      `The Berth package has no prebuilt provider at ${prebuilt}; pack it with \`npm pack\`, which builds it.`,
    );
  }
  return new lambda.Function(scope, id, {
    ...common,
    code: lambda.Code.fromAsset(prebuilt),
    handler: `index.${exportName}`,
  });
}
