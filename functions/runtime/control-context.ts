import { randomUUID } from 'node:crypto';
import type { ControlContext, InstanceChanges, ReconcileQueue } from '#shared/control/context.ts';
import { systemClock, type Clock } from '#shared/ports/clock.ts';
import type { Store } from '#shared/ports/store.ts';
import type { Ec2Fleet } from '#shared/ports/ec2-fleet.ts';
import type { Environment } from './env.ts';

export const randomIds = { next: () => randomUUID().replaceAll('-', '') };

/** The one place a ControlContext is assembled, for Lambda, dev mode and tests alike. */
export function controlContext(
  env: Environment,
  parts: { store: Store; reconcile: ReconcileQueue; clock?: Clock; changes?: InstanceChanges; ec2?: Ec2Fleet },
): ControlContext {
  return {
    store: parts.store,
    reconcile: parts.reconcile,
    clock: parts.clock ?? systemClock,
    ids: randomIds,
    deployment: { partition: env.BERTH_PARTITION, region: env.AWS_REGION, accountId: env.BERTH_ACCOUNT_ID },
    settings: {
      heartbeatTtlMs: env.BERTH_HEARTBEAT_TTL_SECONDS * 1000,
      pollIntervalSeconds: env.BERTH_POLL_INTERVAL_SECONDS,
      stoppedTaskRetentionSeconds: env.BERTH_STOPPED_TASK_RETENTION_SECONDS,
      monitorIntervalMs: env.BERTH_MONITOR_INTERVAL_SECONDS * 1000,
    },
    ...(parts.changes !== undefined && { changes: parts.changes }),
    ...(parts.ec2 !== undefined && { ec2: parts.ec2 }),
  };
}
