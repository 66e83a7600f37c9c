import * as attributes from '#shared/control/attributes.ts';
import {
  deleteAttributesRequest,
  listAttributesRequest,
  putAttributesRequest,
} from '#shared/schemas/attribute-requests.ts';
import { operation, type Operation } from './operation.ts';

/** PutAttributes, DeleteAttributes and ListAttributes on container instances. */
export const attributeOperations: Record<string, Operation> = {
  PutAttributes: operation(putAttributesRequest, async (ctx, input) => ({
    attributes: await attributes.putAttributes(ctx, input),
  })),
  DeleteAttributes: operation(deleteAttributesRequest, async (ctx, input) => ({
    attributes: await attributes.deleteAttributes(ctx, input),
  })),
  ListAttributes: operation(listAttributesRequest, async (ctx, input) => {
    const page = await attributes.listAttributes(ctx, input);
    return { attributes: page.attributes, ...(page.nextToken !== undefined && { nextToken: page.nextToken }) };
  }),
};
