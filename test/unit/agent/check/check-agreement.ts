import fc from 'fast-check';
import { expect } from 'vitest';
import type { z } from 'zod';
import type { Check } from '#agent/check/check.ts';

/**
 * Holds one of the agent's hand-written checks (agent/check/) to the zod
 * schema it restates: for the same input both accept with equal output
 * (defaults, transforms, dropped keys, even keys present as undefined), or
 * both refuse.
 */
export function expectAgreement(check: Check<unknown>, schema: z.ZodType, input: unknown): void {
  const mine = check(input);
  const theirs = schema.safeParse(input);
  expect(
    { accepted: mine.ok, input },
    mine.ok ? 'the check accepts what the schema refuses' : `the check refuses (${JSON.stringify(mine.issue)})`,
  ).toStrictEqual({ accepted: theirs.success, input });
  if (mine.ok && theirs.success) expect(mine.value).toStrictEqual(theirs.data);
}

/** Values of the wrong kind, mixed into fields so that property runs reach the refusals. */
export const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.string({ maxLength: 4 }),
  fc.integer({ min: -5, max: 70_000 }),
  fc.double({ noNaN: false }),
  fc.boolean(),
  fc.constant([]),
  fc.constant({}),
);

/** Mostly `valid`, sometimes junk. */
export function noisy<T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ arbitrary: valid, weight: 5 }, { arbitrary: junk, weight: 1 });
}

/** An object of the given fields, each present or not, sometimes with a key neither side knows. */
export function someOf(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .tuple(fc.record(fields, { requiredKeys: [] }), fc.option(fc.constantFrom('extra', 'Extra'), { freq: 6 }))
    .map(([object, extra]) => (extra === null ? object : { ...object, [extra]: 1 }));
}
