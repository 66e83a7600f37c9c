import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';

/** zod's two modules that turn a schema into a JSON Schema document. */
const JSON_SCHEMA_MODULES = /(?:^|\/)(?:json-schema-processors|to-json-schema)\.js$/;
const NAMESPACE = 'zod-without-json-schema';

/**
 * Leaves zod's JSON Schema generation out of a bundle: about 17 KB of the
 * api's 400 KiB budget. zod's classic schemas reference it from every
 * constructor (`toJSONSchema()`, the `~standard` JSON Schema getters), so
 * esbuild cannot shake it out; Berth validates with zod and never asks a
 * schema for its JSON Schema. Each export becomes a function that throws,
 * so a future caller fails loudly instead of getting a wrong document; the
 * `create...Method` factories, which zod calls while building a schema's
 * `~standard` properties, return such a function instead of throwing.
 */
export const zodWithoutJsonSchema: Plugin = {
  name: NAMESPACE,
  setup(build) {
    build.onResolve({ filter: JSON_SCHEMA_MODULES }, (args) =>
      /[/\\]node_modules[/\\]zod[/\\]/.test(args.importer)
        ? { path: join(dirname(args.importer), args.path), namespace: NAMESPACE }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: NAMESPACE }, async (args) => {
      const real = (await import(pathToFileURL(args.path).href)) as Record<string, unknown>;
      const thrower = `() => { throw new Error('zod JSON Schema generation is left out of this bundle'); }`;
      const contents = Object.keys(real)
        .map((name) => `export const ${name} = ${name.startsWith('create') ? `() => ${thrower}` : thrower};`)
        .join('\n');
      return { contents, loader: 'js' };
    });
  },
};
