import * as resourceTags from '#shared/control/resource-tags.ts';
import { listTagsForResourceRequest, tagResourceRequest, untagResourceRequest } from '#shared/schemas/tag-requests.ts';
import { operation, type Operation } from './operation.ts';

export const tagOperations: Record<string, Operation> = {
  TagResource: operation(tagResourceRequest, async (ctx, input) => {
    await resourceTags.tagResource(ctx, input);
    return {};
  }),
  UntagResource: operation(untagResourceRequest, async (ctx, input) => {
    await resourceTags.untagResource(ctx, input);
    return {};
  }),
  ListTagsForResource: operation(listTagsForResourceRequest, async (ctx, input) => ({
    tags: await resourceTags.listTagsForResource(ctx, input.resourceArn),
  })),
};
