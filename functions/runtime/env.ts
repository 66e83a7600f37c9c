import { z } from 'zod';

/**
 * Berth's configuration, all from the environment (the same names in Lambda,
 * dev mode and tests). Parsed once by the composition root; a bad value stops
 * start-up with the variable's name.
 */
export const environment = z.object({
  AWS_REGION: z.string().min(1).default('us-east-1'),
  BERTH_PARTITION: z.string().default('aws'),
  BERTH_ACCOUNT_ID: z.string().regex(/^\d{12}$/, 'must be a 12-digit account id').default('000000000000'),
  BERTH_TABLE_NAME: z.string().min(3).default('berth'),
  BERTH_QUEUE_URL: z.string().url().optional(),
  BERTH_DLQ_URL: z.string().url().optional(),
  /** The KMS key that encrypts access-key secrets (the api function needs it). */
  BERTH_KMS_KEY_ID: z.string().min(1).optional(),
  // 20 s polls and a 60 s lease keep an agent under $0.15 a month in AWS
  // (docs/decisions.md, docs/performance.md); dev mode sets its own.
  BERTH_HEARTBEAT_TTL_SECONDS: z.coerce.number().int().min(5).max(3600).default(60),
  BERTH_POLL_INTERVAL_SECONDS: z.coerce.number().min(0.2).max(300).default(20),
  BERTH_STOPPED_TASK_RETENTION_SECONDS: z.coerce.number().int().min(60).default(3600),
  /** The monitor's schedule: one minute in AWS (the stack's rule); dev mode sweeps every 5 s. */
  BERTH_MONITOR_INTERVAL_SECONDS: z.coerce.number().min(0.1).max(3600).default(60),
});
export type Environment = z.infer<typeof environment>;

export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

export function parseEnvironment(source: NodeJS.ProcessEnv = process.env): Environment {
  const parsed = environment.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigurationError(`Invalid configuration: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  return parsed.data;
}
