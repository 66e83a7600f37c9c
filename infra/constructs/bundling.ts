import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { execFileSync, execSync } from 'node:child_process';
import { AssetHashType, DockerImage, aws_lambda as lambda } from 'aws-cdk-lib';
import type { BuildOptions } from 'esbuild';
import { zodWithoutJsonSchema } from './zod-without-json-schema.ts';

/** The repository root: bundling resolves handlers and node_modules from here. */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The three Lambda handlers, by the name their bundle and construct carry. */
export const berthHandlers = {
  api: 'functions/api/handler.ts',
  scheduler: 'functions/scheduler/handler.ts',
  monitor: 'functions/monitor/handler.ts',
} as const;

/**
 * The custom resource provider behind the `berth/cdk` constructs: deployed in
 * users' stacks, not the control plane's, and built with the AWS SDK (it runs
 * once per stack change, so its size does not count against the budgets of
 * the three handlers above).
 */
export const provisionerHandler = { provisioner: 'functions/provisioner/handler.ts' } as const;

/**
 * A CommonJS dependency that calls `require` on a Node built-in fails inside
 * an ES module bundle ("Dynamic require is not supported") unless the banner
 * defines `require`. Today's dependencies resolve to their ES module builds
 * and need none of it; the banner keeps the next CommonJS one from breaking
 * the handlers only at run time.
 */
const createRequireBanner =
  "import { createRequire as berthCreateRequire } from 'node:module'; const require = berthCreateRequire(import.meta.url);";

/**
 * The one description of how a Berth handler is bundled. `npm run build`
 * (infra/bundle.ts) and the CDK functions both derive their esbuild options
 * from it, so a local bundle is byte-for-byte what Lambda runs.
 */
export const berthBundling = {
  /** Follows the Lambda runtime (nodejs24.x). */
  target: 'node24',
  format: 'esm',
  minify: true,
  sourcemap: true,
  /** Stack traces only need the mappings; shipping the sources slows the cold start that loads the map. */
  sourcesContent: false,
  /**
   * No `__name` wrappers (about 25 KB of the api bundle): nothing in the
   * functions reads `constructor.name` or a function's name (error names are
   * set explicitly), and stack traces are mapped back to source names by
   * `--enable-source-maps` (docs/decisions.md, "Lambda bundles").
   */
  keepNames: false,
  /** Prefer ES module entry points: they tree-shake better than CommonJS. */
  mainFields: ['module', 'main'],
  banner: createRequireBanner,
} as const;

/** esbuild options for one handler, as `npm run build` uses them. */
export function esbuildOptions(entry: string, outfile: string): BuildOptions {
  return {
    entryPoints: [join(repoRoot, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    target: berthBundling.target,
    format: berthBundling.format,
    minify: berthBundling.minify,
    sourcemap: berthBundling.sourcemap,
    sourcesContent: berthBundling.sourcesContent,
    keepNames: berthBundling.keepNames,
    mainFields: [...berthBundling.mainFields],
    banner: { js: berthBundling.banner },
    plugins: [zodWithoutJsonSchema],
    logLevel: 'warning',
  };
}

/**
 * A handler's code as the CDK deploys it: the local esbuild with the options
 * above (plugins included, which `NodejsFunction`'s command-line bundling
 * cannot take), run by `infra/bundle.ts` into the asset folder, then
 * `afterBundling`'s commands (the api's console files). The asset's hash is
 * the output's, so an unchanged bundle is not uploaded again.
 */
export function bundledCode(entry: string, afterBundling?: (outputDir: string) => string[]): lambda.Code {
  requireLocalEsbuild();
  return lambda.Code.fromAsset(repoRoot, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never used: local bundling always succeeds or throws. Berth
      // synthesizes offline and never pulls a bundling image.
      image: DockerImage.fromRegistry('berth-bundles-locally-only'),
      // Names the entry: the CDK caches a bundle by its options, functions
      // left out, so two handlers must differ here to get bundles of their own.
      command: ['tsx', 'infra/bundle.ts', entry, ...(afterBundling ? ['--with-console'] : [])],
      local: {
        tryBundle(outputDir) {
          const tsx = join(repoRoot, 'node_modules', '.bin', 'tsx');
          execFileSync(tsx, [join(repoRoot, 'infra', 'bundle.ts'), entry, outputDir], { stdio: 'inherit' });
          for (const command of afterBundling?.(outputDir) ?? []) execSync(command, { stdio: 'inherit' });
          return true;
        },
      },
    },
  });
}

/**
 * Fails synthesis with a plain instruction when esbuild is missing, instead
 * of letting the CDK fall back to Docker bundling.
 */
function requireLocalEsbuild(): void {
  try {
    createRequire(import.meta.url).resolve('esbuild');
  } catch (cause) {
    throw new Error('Berth bundles its functions with the local esbuild; run `npm install` first.', {
      cause,
    });
  }
}

/**
 * The web console's files go beside the api bundle, not inside it: the page
 * is served from files read once (docs/decisions.md, "The web console"), and
 * the bundle stays within its budget. console/build.ts builds them with the
 * local esbuild, offline.
 */
export function consoleBuildCommands(outputDir: string): string[] {
  const tsx = join(repoRoot, 'node_modules', '.bin', 'tsx');
  return [`"${tsx}" "${join(repoRoot, 'console', 'build.ts')}" "${join(outputDir, 'console')}"`];
}
