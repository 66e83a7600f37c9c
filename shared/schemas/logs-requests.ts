import * as z from 'zod';

/**
 * The CloudWatch Logs requests Berth answers in dev mode (AWS JSON 1.1,
 * `Logs_20140328.<Operation>`), with CloudWatch Logs' bounds. Unknown
 * members are ignored, as CloudWatch Logs ignores them.
 */
const logGroupName = z
  .string()
  .min(1)
  .max(512)
  .regex(/^[.\-_/#A-Za-z0-9]+$/, "1 to 512 of a-z, A-Z, 0-9, '.', '-', '_', '/', '#'");
/** A name, or the group's ARN (`arn:aws:logs:region:account:log-group:NAME[:*]`). */
const logGroupIdentifier = z.string().min(1).max(2048);
const logStreamName = z
  .string()
  .min(1)
  .max(512)
  .regex(/^[^:*]*$/, "no ':' or '*'");
const timestamp = z.number().int().min(0);
const token = z.string().min(1).max(4096);

const group = {
  logGroupName: logGroupName.optional(),
  logGroupIdentifier: logGroupIdentifier.optional(),
};

export const getLogEventsRequest = z.object({
  ...group,
  logStreamName,
  startTime: timestamp.optional(),
  endTime: timestamp.optional(),
  nextToken: token.optional(),
  limit: z.number().int().min(1).max(10_000).optional(),
  startFromHead: z.boolean().optional(),
  unmask: z.boolean().optional(),
});
export type GetLogEventsRequest = z.infer<typeof getLogEventsRequest>;

export const filterLogEventsRequest = z.object({
  ...group,
  logStreamNames: z.array(logStreamName).min(1).max(100).optional(),
  logStreamNamePrefix: logStreamName.optional(),
  startTime: timestamp.optional(),
  endTime: timestamp.optional(),
  filterPattern: z.string().max(1024).optional(),
  nextToken: token.optional(),
  limit: z.number().int().min(1).max(10_000).optional(),
  interleaved: z.boolean().optional(),
  unmask: z.boolean().optional(),
});
export type FilterLogEventsRequest = z.infer<typeof filterLogEventsRequest>;

export const describeLogStreamsRequest = z.object({
  ...group,
  logStreamNamePrefix: logStreamName.optional(),
  orderBy: z.enum(['LogStreamName', 'LastEventTime']).optional(),
  descending: z.boolean().optional(),
  nextToken: token.optional(),
  limit: z.number().int().min(1).max(50).optional(),
});
export type DescribeLogStreamsRequest = z.infer<typeof describeLogStreamsRequest>;

export const describeLogGroupsRequest = z.object({
  logGroupNamePrefix: logGroupName.optional(),
  logGroupNamePattern: z.string().max(512).optional(),
  nextToken: token.optional(),
  limit: z.number().int().min(1).max(50).optional(),
});
export type DescribeLogGroupsRequest = z.infer<typeof describeLogGroupsRequest>;

/** What an agent ships: lines of one container, with the group and stream its definition names. */
export const logBatch = z.strictObject({
  logGroupName,
  logStreamName,
  events: z
    .array(z.strictObject({ timestamp, message: z.string().max(256 * 1024) }))
    .min(1)
    .max(10_000),
});
export const logBatches = z.strictObject({ batches: z.array(logBatch).min(1).max(100) });
export type LogBatches = z.infer<typeof logBatches>;
