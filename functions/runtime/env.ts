import * as z from 'zod';
import { ENVIRONMENT, SETTING_BOUNDS, type SettingBounds } from '#shared/deployment/names.ts';

/** A numeric setting from the environment, bounded as the CDK stack bounds it at synthesis. */
function seconds(bounds: SettingBounds) {
  let schema = z.coerce.number().min(bounds.min);
  if (bounds.integer) schema = schema.int();
  if (bounds.max !== undefined) schema = schema.max(bounds.max);
  return schema.default(bounds.default);
}

/**
 * Berth's configuration, all from the environment (the same names in Lambda,
 * dev mode and tests; shared/deployment/names.ts lists them). Parsed once by
 * the composition root; a bad value stops start-up with the variable's name.
 */
export const environment = z.object({
  [ENVIRONMENT.region]: z.string().min(1).default('us-east-1'),
  [ENVIRONMENT.partition]: z.string().default('aws'),
  [ENVIRONMENT.accountId]: z
    .string()
    .regex(/^\d{12}$/, 'must be a 12-digit account id')
    .default('000000000000'),
  /** Dev mode and tests name their own table; in Lambda it is required (`lambdaEnvironment`). */
  [ENVIRONMENT.tableName]: z.string().min(3).default('berth'),
  [ENVIRONMENT.queueUrl]: z.string().url().optional(),
  [ENVIRONMENT.deadLetterQueueUrl]: z.string().url().optional(),
  /** The KMS key that encrypts access-key secrets (the api function needs it). */
  [ENVIRONMENT.kmsKeyId]: z.string().min(1).optional(),
  [ENVIRONMENT.heartbeatTtlSeconds]: seconds(SETTING_BOUNDS.heartbeatTtlSeconds),
  [ENVIRONMENT.pollIntervalSeconds]: seconds(SETTING_BOUNDS.pollIntervalSeconds),
  [ENVIRONMENT.stoppedTaskRetentionSeconds]: seconds(SETTING_BOUNDS.stoppedTaskRetentionSeconds),
  [ENVIRONMENT.monitorIntervalSeconds]: seconds(SETTING_BOUNDS.monitorIntervalSeconds),
});
export type Environment = z.infer<typeof environment>;

/**
 * In Lambda the stack sets the table's name: a missing or misspelt variable
 * must stop the function, not send it to a table called `berth`.
 */
export const lambdaEnvironment = environment.extend({
  [ENVIRONMENT.tableName]: z.string().min(3),
});

export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

export function parseEnvironment(
  source: NodeJS.ProcessEnv = process.env,
  schema: z.ZodType<Environment> = environment,
): Environment {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigurationError(`Invalid configuration: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  return parsed.data;
}

/** The Lambda functions' environment: as `parseEnvironment`, with the table's name required. */
export function parseLambdaEnvironment(source: NodeJS.ProcessEnv = process.env): Environment {
  return parseEnvironment(source, lambdaEnvironment);
}
