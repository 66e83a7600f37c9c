import * as z from 'zod';

/**
 * TagResource, UntagResource and ListTagsForResource as ECS models them.
 * Keys and values use ECS's character set (letters, numbers, spaces and
 * `_ . : / = + - @`); the `aws:` prefix and the 50-tag limit are checked
 * against the resource's tags (shared/domain/tags.ts), since they depend on
 * what the resource already holds.
 */
const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

export const tagKey = z
  .string()
  .min(1)
  .max(128)
  .regex(TAG_CHARACTERS, 'may hold only letters, numbers, spaces and _ . : / = + - @');
const tagValue = z
  .string()
  .max(256)
  .regex(TAG_CHARACTERS, 'may hold only letters, numbers, spaces and _ . : / = + - @');

const resourceArn = z.string().min(1).max(2048);

export const tagResourceRequest = z.strictObject({
  resourceArn,
  tags: z.array(z.strictObject({ key: tagKey, value: tagValue.optional() })).max(50),
});
export type TagResourceRequest = z.infer<typeof tagResourceRequest>;

export const untagResourceRequest = z.strictObject({ resourceArn, tagKeys: z.array(tagKey).max(50) });
export type UntagResourceRequest = z.infer<typeof untagResourceRequest>;

export const listTagsForResourceRequest = z.strictObject({ resourceArn });
