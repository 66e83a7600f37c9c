// `npm run build`: bundles each Lambda handler to dist/<name>/index.mjs with
// exactly the esbuild options the CDK functions use, so a bundle can be
// inspected, sized or run locally without synthesizing the stack.
import { join } from 'node:path';
import { build } from 'esbuild';
import { berthHandlers, esbuildOptions, provisionerHandler, repoRoot } from './constructs/bundling.ts';

for (const [name, entry] of Object.entries({ ...berthHandlers, ...provisionerHandler })) {
  const outfile = join('dist', name, 'index.mjs');
  await build(esbuildOptions(entry, join(repoRoot, outfile)));
  console.log(`bundled ${entry} -> ${outfile}`);
}
