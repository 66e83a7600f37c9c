import * as z from 'zod';
import { lazySchema } from './lazy-schema.ts';

/**
 * Request shapes of PutAttributes, DeleteAttributes and ListAttributes, as
 * @aws-sdk/client-ecs sends them, with ECS's documented limits:
 *
 * - name: 1-128 letters, numbers, hyphens, underscores, forward or back
 *   slashes, periods;
 * - value: 1-128 letters, numbers, hyphens, underscores, periods, at signs,
 *   forward or back slashes, colons or spaces, neither starting nor ending
 *   with a space;
 * - at most 10 attributes in one call.
 */

export const MAX_ATTRIBUTES_PER_CALL = 10;

export const attributeName = z
  .string()
  .regex(
    /^[a-zA-Z0-9_\-/\\.]{1,128}$/,
    'must be 1-128 letters, numbers, hyphens, underscores, slashes, back slashes or periods',
  );

export const attributeValue = z
  .string()
  .regex(
    /^(?! )[a-zA-Z0-9_\-.@/\\: ]{1,128}(?<! )$/,
    'must be 1-128 letters, numbers, hyphens, underscores, periods, at signs, slashes, back slashes, colons or spaces, not starting or ending with a space',
  );

export const targetType = z.literal('container-instance');

export const attributeRequestItem = lazySchema(() =>
  z.strictObject({
    name: attributeName,
    value: attributeValue.optional(),
    targetType: targetType.optional(),
    /** A container instance id or ARN; an id needs `targetType`. */
    targetId: z.string().min(1).max(1600).optional(),
  }),
);
export type AttributeRequestItem = z.infer<typeof attributeRequestItem>;

const attributeList = lazySchema(() => z.array(attributeRequestItem).min(1).max(MAX_ATTRIBUTES_PER_CALL));

export const putAttributesRequest = lazySchema(() =>
  z.strictObject({
    cluster: z.string().min(1).max(2048).optional(),
    attributes: attributeList,
  }),
);
export type PutAttributesRequest = z.infer<typeof putAttributesRequest>;

export const deleteAttributesRequest = lazySchema(() =>
  z.strictObject({
    cluster: z.string().min(1).max(2048).optional(),
    attributes: attributeList,
  }),
);
export type DeleteAttributesRequest = z.infer<typeof deleteAttributesRequest>;

export const listAttributesRequest = lazySchema(() =>
  z.strictObject({
    cluster: z.string().min(1).max(2048).optional(),
    targetType,
    attributeName: attributeName.optional(),
    /** Needs `attributeName`, as in ECS. */
    attributeValue: attributeValue.optional(),
    maxResults: z.number().int().optional(),
    nextToken: z.string().max(4096).optional(),
  }),
);
export type ListAttributesRequest = z.infer<typeof listAttributesRequest>;
