import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { lazySchema } from '#shared/schemas/lazy-schema.ts';

describe('lazySchema', () => {
  it('builds nothing until the schema is first used, then builds it once', () => {
    let builds = 0;
    const schema = lazySchema(() => {
      builds++;
      return z.strictObject({ name: z.string() });
    });
    expect(builds).toBe(0);
    expect(schema.parse({ name: 'a' })).toEqual({ name: 'a' });
    expect(schema.safeParse({ name: 'a', extra: 1 }).success).toBe(false);
    expect(Object.keys(schema.shape)).toEqual(['name']);
    expect(builds).toBe(1);
  });

  it('stands in for the schema when composed, extended and introspected', () => {
    const inner = lazySchema(() => z.strictObject({ port: z.number().int() }));
    const outer = lazySchema(() => z.object({ inner: inner.optional(), list: z.array(inner).max(1) }));
    const extended = lazySchema(() => inner.extend({ host: z.string() }));

    expect(outer.safeParse({ inner: { port: 1 }, list: [] }).success).toBe(true);
    const refused = outer.safeParse({ list: [{ port: 'x' }] });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.path).toEqual(['list', 0, 'port']);
    expect(extended.parse({ port: 2, host: 'h' })).toEqual({ port: 2, host: 'h' });
    expect(inner instanceof z.ZodObject).toBe(true);
    expect('_zod' in inner).toBe(true);
    expect(inner._zod.def.type).toBe('object');
  });
});
