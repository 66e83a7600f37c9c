import * as z from 'zod';

/**
 * A schema built on first use. Building zod schemas at module top level was
 * about half of the api function's import CPU (docs/performance.md, "Lambda
 * bundles"), yet most of them serve only the requests or store items that
 * need them. The returned value stands in for the schema everywhere (parse,
 * shape, extend, composition into other schemas, `_zod` introspection): the
 * first property read builds it once, and every read after goes to the
 * built schema.
 *
 * zod's own transparent proxy does the work: it is in every bundle already,
 * so the helper costs no bytes of its own.
 *
 * Use it for a module's top-level schemas that nothing reads at import
 * (docs/decisions.md, "Schemas built on first use").
 */
export function lazySchema<T extends object>(build: () => T): T {
  return z.util.createTransparentProxy(build);
}
