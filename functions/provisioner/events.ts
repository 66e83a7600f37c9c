import * as z from 'zod';

/**
 * The events the CDK provider framework hands its `onEvent` and `isComplete`
 * functions: CloudFormation's custom resource request, plus (for
 * `isComplete`) what `onEvent` answered. CloudFormation passes every property
 * value as a string, so nothing here is numeric.
 */
const common = {
  RequestId: z.string().min(1),
  LogicalResourceId: z.string().min(1),
  ResourceType: z.string().min(1),
  StackId: z.string().optional(),
  ResourceProperties: z.record(z.string(), z.unknown()),
};

export const customResourceEvent = z.discriminatedUnion('RequestType', [
  z.object({ ...common, RequestType: z.literal('Create') }),
  z.object({
    ...common,
    RequestType: z.literal('Update'),
    PhysicalResourceId: z.string().min(1),
    OldResourceProperties: z.record(z.string(), z.unknown()),
  }),
  z.object({ ...common, RequestType: z.literal('Delete'), PhysicalResourceId: z.string().min(1) }),
]);
export type CustomResourceEvent = z.infer<typeof customResourceEvent>;

/** What `onEvent` leaves for `isComplete` to wait on; absent when there is nothing to wait for. */
export const pendingWork = z.discriminatedUnion('kind', [
  /** A service deployment that must finish (or fail) before the event does. */
  z.object({ kind: z.literal('deployment'), serviceArn: z.string(), deploymentId: z.string() }),
  /** A deleted service that must drain to INACTIVE. */
  z.object({ kind: z.literal('drain'), serviceArn: z.string() }),
]);
export type PendingWork = z.infer<typeof pendingWork>;

export interface OnEventResult {
  readonly PhysicalResourceId: string;
  readonly Data?: Record<string, string>;
  /** A custom field: the provider framework passes it on to `isComplete`. */
  readonly BerthPending?: PendingWork;
}

export const isCompleteEvent = z.intersection(
  customResourceEvent,
  z.object({ PhysicalResourceId: z.string().min(1), BerthPending: pendingWork.optional() }),
);
export type IsCompleteEvent = z.infer<typeof isCompleteEvent>;

export interface IsCompleteResult {
  readonly IsComplete: boolean;
  readonly Data?: Record<string, string>;
}
