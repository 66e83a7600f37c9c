import * as z from 'zod';
import { lazySchema } from './lazy-schema.ts';

export const name255 = lazySchema(() =>
  z.string().regex(/^[a-zA-Z0-9_-]{1,255}$/, 'must be 1-255 letters, numbers, hyphens or underscores'),
);

export const tag = lazySchema(() =>
  z.strictObject({
    key: z.string().min(1).max(128),
    value: z.string().max(256).optional(),
  }),
);
export type Tag = z.infer<typeof tag>;
export const tags = lazySchema(() => z.array(tag).max(50));

/**
 * A map of strings to strings (docker labels, driver options): flat, with
 * bounded keys and entries. Values are bounded only by the size limits of
 * the request that carries them.
 */
export const stringMap = lazySchema(() =>
  z
    .record(z.string().min(1).max(255), z.string())
    .refine((m) => Object.keys(m).length <= 100, { message: 'at most 100 entries are allowed' }),
);

export const keyValue = lazySchema(() => z.strictObject({ name: z.string().optional(), value: z.string().optional() }));

/** Epoch milliseconds; the API edge turns them into ECS's epoch seconds. */
export const epochMs = lazySchema(() => z.number().int().nonnegative());
