// `npm run build`: bundles each Lambda handler to dist/<name>/index.mjs with
// exactly the esbuild options the CDK functions use, so a bundle can be
// inspected, sized or run locally without synthesizing the stack.
import { execSync } from 'node:child_process';
import { join } from 'node:path';
import { build } from 'esbuild';
import {
  berthHandlers,
  consoleBuildCommands,
  esbuildOptions,
  provisionerHandler,
  repoRoot,
} from './constructs/bundling.ts';

for (const [name, entry] of Object.entries({ ...berthHandlers, ...provisionerHandler })) {
  const outfile = join('dist', name, 'index.mjs');
  await build(esbuildOptions(entry, join(repoRoot, outfile)));
  console.log(`bundled ${entry} -> ${outfile}`);
}
// The api serves the web console from files beside its bundle, as in Lambda.
for (const command of consoleBuildCommands(join(repoRoot, 'dist', 'api'))) execSync(command, { stdio: 'inherit' });
console.log('built the web console -> dist/api/console');
