// `npm run build`: bundles each Lambda handler to dist/<name>/index.mjs with
// exactly the esbuild options the CDK functions use, so a bundle can be
// inspected, sized or run locally without synthesizing the stack.
//
// `tsx infra/bundle.ts <entry> <outdir>` bundles one handler into a folder:
// the CDK functions' local bundling runs it (constructs/bundling.ts,
// `bundledCode`), so the deployed code is this script's output.
import { execSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import {
  berthHandlers,
  consoleBuildCommands,
  esbuildOptions,
  provisionerHandler,
  repoRoot,
} from './constructs/bundling.ts';

const [entry, outdir] = process.argv.slice(2);
if (entry !== undefined && outdir !== undefined) {
  await build(esbuildOptions(entry, join(resolve(outdir), 'index.mjs')));
} else {
  for (const [name, handler] of Object.entries({ ...berthHandlers, ...provisionerHandler })) {
    const outfile = join('dist', name, 'index.mjs');
    await build(esbuildOptions(handler, join(repoRoot, outfile)));
    console.log(`bundled ${handler} -> ${outfile}`);
  }
  // The api serves the web console from files beside its bundle, as in Lambda.
  for (const command of consoleBuildCommands(join(repoRoot, 'dist', 'api'))) execSync(command, { stdio: 'inherit' });
  console.log('built the web console -> dist/api/console');
}
