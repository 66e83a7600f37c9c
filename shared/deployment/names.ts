/**
 * The names the deployment (infra/) and the running code agree on: the
 * table's attribute names, the environment variables the stack sets and the
 * composition root reads, and the bounds of the numeric settings. Both sides
 * import them from here, so a misspelt name fails to compile instead of
 * falling back to a default at run time.
 *
 * No imports: the CDK app loads this file too.
 */

/** The attribute names of Berth's one table. Changing one means migrating every deployed table. */
export const TABLE_KEY = { partition: 'pk', sort: 'sk', ttl: 'expiresAt' } as const;

/** The environment variables of the control plane's functions. */
export const ENVIRONMENT = {
  region: 'AWS_REGION',
  partition: 'BERTH_PARTITION',
  accountId: 'BERTH_ACCOUNT_ID',
  tableName: 'BERTH_TABLE_NAME',
  queueUrl: 'BERTH_QUEUE_URL',
  deadLetterQueueUrl: 'BERTH_DLQ_URL',
  kmsKeyId: 'BERTH_KMS_KEY_ID',
  heartbeatTtlSeconds: 'BERTH_HEARTBEAT_TTL_SECONDS',
  pollIntervalSeconds: 'BERTH_POLL_INTERVAL_SECONDS',
  stoppedTaskRetentionSeconds: 'BERTH_STOPPED_TASK_RETENTION_SECONDS',
  monitorIntervalSeconds: 'BERTH_MONITOR_INTERVAL_SECONDS',
  /** The monitor's: the endpoint and agent release the hosts capacity providers launch install from. */
  agentEndpoint: 'BERTH_AGENT_ENDPOINT',
  agentReleaseUrl: 'BERTH_AGENT_RELEASE_URL',
} as const;

/** The range a numeric setting may take, and its default in AWS. */
export interface SettingBounds {
  readonly min: number;
  readonly max?: number;
  readonly integer: boolean;
  readonly default: number;
}

/**
 * Checked by the environment schema when a function starts and by the CDK
 * stack at synthesis, so a value the functions would refuse never deploys.
 */
export const SETTING_BOUNDS = {
  // 20 s polls and a 60 s lease keep an agent under $0.15 a month in AWS
  // (docs/decisions.md, docs/performance.md); dev mode sets its own.
  heartbeatTtlSeconds: { min: 5, max: 3600, integer: true, default: 60 },
  pollIntervalSeconds: { min: 0.2, max: 300, integer: false, default: 20 },
  stoppedTaskRetentionSeconds: { min: 60, integer: true, default: 3600 },
  /** The monitor's schedule: one minute in AWS (the stack's rule); dev mode sweeps every 5 s. */
  monitorIntervalSeconds: { min: 0.1, max: 3600, integer: false, default: 60 },
} as const satisfies Record<string, SettingBounds>;

/** Why `value` is outside `bounds`, in words an operator can act on; undefined when it is inside. */
export function outOfBounds(name: string, value: number, bounds: SettingBounds): string | undefined {
  if (!Number.isFinite(value)) return `${name} must be a number, got ${value}`;
  if (bounds.integer && !Number.isInteger(value)) return `${name} must be a whole number, got ${value}`;
  if (value < bounds.min) return `${name} must be at least ${bounds.min}, got ${value}`;
  if (bounds.max !== undefined && value > bounds.max) return `${name} must be at most ${bounds.max}, got ${value}`;
  return undefined;
}
