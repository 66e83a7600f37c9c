import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { esbuildOptions, repoRoot } from '#infra/constructs/bundling.ts';

/**
 * The bundles leave zod's JSON Schema generation out (docs/decisions.md,
 * "Lambda bundles"): validation and its messages must be untouched, and a
 * call for a JSON Schema must fail loudly rather than answer wrongly.
 */
describe("the bundles' zod without JSON Schema generation", () => {
  const scratch = mkdtempSync(join(repoRoot, '.zod-without-json-schema-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  async function bundled(): Promise<{ inputs: string[]; probe: Record<string, unknown> }> {
    const entry = join(scratch, 'entry.ts');
    writeFileSync(
      entry,
      `import * as z from 'zod';
      const schema = z.strictObject({ name: z.string().min(2) });
      function attempt(run: () => unknown): string {
        try { run(); return 'answered'; } catch (error) { return (error as Error).message; }
      }
      export const probe = {
        valid: schema.parse({ name: 'web' }),
        message: schema.safeParse({ name: 1 }).error?.issues[0]?.message,
        standard: typeof schema['~standard'].validate,
        jsonSchema: attempt(() => schema.toJSONSchema()),
        standardJsonSchema: attempt(() => (schema['~standard'] as unknown as { jsonSchema: { input: () => unknown } }).jsonSchema.input()),
      };`,
    );
    const outfile = join(scratch, 'out', 'index.mjs');
    const { metafile } = await build({ ...esbuildOptions(entry.slice(repoRoot.length), outfile), metafile: true });
    const module = (await import(pathToFileURL(outfile).href)) as { probe: Record<string, unknown> };
    return { inputs: Object.keys(metafile.inputs), probe: module.probe };
  }

  it('keeps validation and its messages, and refuses to make a JSON Schema', async () => {
    const { inputs, probe } = await bundled();
    const jsonSchemaModules = inputs.filter((input) =>
      /zod\/v4\/core\/(to-json-schema|json-schema-processors)\.js$/.test(input),
    );
    // Both modules were asked for, and both came from the plugin's stand-ins.
    expect(jsonSchemaModules.map((input) => input.split(':')[0])).toEqual([
      'zod-without-json-schema',
      'zod-without-json-schema',
    ]);
    expect(probe).toEqual({
      valid: { name: 'web' },
      message: 'Invalid input: expected string, received number',
      standard: 'function',
      jsonSchema: 'zod JSON Schema generation is left out of this bundle',
      standardJsonSchema: 'zod JSON Schema generation is left out of this bundle',
    });
  });
});
