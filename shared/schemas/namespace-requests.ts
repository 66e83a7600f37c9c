import * as z from 'zod';

/** ListServicesByNamespace as @aws-sdk/client-ecs sends it. */
export const listServicesByNamespaceRequest = z.strictObject({
  namespace: z.string().min(1).max(2048),
  nextToken: z.string().max(4096).optional(),
  maxResults: z.number().int().min(1).max(100).optional(),
});
export type ListServicesByNamespaceRequest = z.infer<typeof listServicesByNamespaceRequest>;
