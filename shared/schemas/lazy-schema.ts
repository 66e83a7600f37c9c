/**
 * A schema built on first use. Building zod schemas at module top level was
 * about half of the api function's import CPU (docs/performance.md, "Lambda
 * bundles"), yet most of them serve only the requests or store items that
 * need them. The returned value stands in for the schema everywhere (parse,
 * shape, extend, composition into other schemas): the first property read
 * builds it once, and every read after goes to the built schema.
 *
 * Use it for a module's top-level schemas that nothing reads at import
 * (docs/decisions.md, "Schemas built on first use").
 */
export function lazySchema<T extends object>(build: () => T): T {
  let built: T | undefined;
  const schema = (): T => (built ??= build());
  return new Proxy({} as T, {
    get: (_, property) => Reflect.get(schema(), property) as unknown,
    set: (_, property, value) => Reflect.set(schema(), property, value),
    has: (_, property) => Reflect.has(schema(), property),
    ownKeys: () => Reflect.ownKeys(schema()),
    getOwnPropertyDescriptor: (_, property) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(schema(), property);
      // A proxy may report a property only as configurable unless its target has it too.
      return descriptor === undefined ? undefined : { ...descriptor, configurable: true };
    },
    getPrototypeOf: () => Reflect.getPrototypeOf(schema()),
  });
}
