import * as z from 'zod';

/**
 * Berth's dry run of a placement: `POST /berth/v1/explain-placement` takes a
 * RunTask request (runTaskRequest in ecs-requests.ts) and answers, per task,
 * where it would go and why, or why it would go nowhere. Nothing is written.
 */

export const strategyScore = z.object({
  type: z.enum(['random', 'spread', 'binpack']),
  field: z.string().optional(),
  /** The chosen instance's score in the strategy's range; null for random, drawn anew by every run. */
  score: z.number().nullable(),
});
export type StrategyScore = z.infer<typeof strategyScore>;

export const instanceRejection = z.object({
  containerInstanceArn: z.string(),
  /** The filter's own words for this instance ("needs 512 MiB, 256 MiB free"). */
  detail: z.string(),
});

export const reasonExplanation = z.object({
  /** ECS's reason (RESOURCE:MEMORY, ATTRIBUTE, ...), or Berth's DISTINCT_INSTANCE. */
  reason: z.string(),
  /** Instances rejected for this reason; each instance counts under its first failing filter. */
  count: z.number().int().positive(),
  example: z.string(),
  /** The first of them (at most 10), each with its own detail. */
  instances: z.array(instanceRejection),
});
export type ReasonExplanation = z.infer<typeof reasonExplanation>;

export const taskExplanation = z.discriminatedUnion('placed', [
  z.object({
    index: z.number().int().nonnegative(),
    placed: z.literal(true),
    containerInstanceArn: z.string(),
    /** One per strategy, in the request's order (a lone `random` when none was given). */
    scores: z.array(strategyScore),
    /** Instances that passed every filter. */
    candidates: z.number().int().positive(),
    /** Candidates whose scores equal the chosen one's (random left aside); a seeded draw picks among them. */
    tiedWith: z.number().int().positive(),
    rejected: z.array(reasonExplanation),
  }),
  z.object({
    index: z.number().int().nonnegative(),
    placed: z.literal(false),
    message: z.string(),
    reasons: z.array(reasonExplanation),
  }),
]);
export type TaskExplanation = z.infer<typeof taskExplanation>;

export const explainPlacementResponse = z.object({
  cluster: z.string(),
  taskDefinitionArn: z.string(),
  group: z.string(),
  /** What each task reserves: cpu units, MiB, static host ports. */
  demand: z.object({
    cpu: z.number().int(),
    memory: z.number().int(),
    ports: z.array(z.number().int()),
    portsUdp: z.array(z.number().int()),
  }),
  /** Registered (not INACTIVE) instances the plan read. */
  instances: z.number().int().nonnegative(),
  /** Tasks are planned in order; each later one sees the reservations of those before it. */
  tasks: z.array(taskExplanation),
});
export type ExplainPlacementResponse = z.infer<typeof explainPlacementResponse>;
