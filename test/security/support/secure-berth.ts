import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { serve, type ServerType } from '@hono/node-server';
import type { Hono } from 'hono';
import { createDynamoDbStore } from '#functions/adapters/dynamodb-store.ts';
import { sdkCalls } from '#functions/adapters/dynamodb-calls.ts';
import { ensureTable } from '#functions/adapters/dynamodb-table.ts';
import { createInProcessQueue } from '#functions/adapters/in-process-queue.ts';
import { queueReconciles } from '#functions/adapters/reconcile-queue.ts';
import { createApp } from '#functions/api/app.ts';
import type { RequestGuard } from '#functions/api/guard.ts';
import { controlContext } from '#functions/runtime/control-context.ts';
import { startEmbeddedDynamoDb } from '#functions/runtime/embedded-dynamodb.ts';
import { parseEnvironment } from '#functions/runtime/env.ts';
import type { Logger } from '#functions/runtime/logger.ts';
import { createSecurity, ephemeralCipher, type BootstrapKey, type Security } from '#functions/security/index.ts';
import type { ControlContext } from '#shared/control/context.ts';
import { systemClock, type Clock } from '#shared/ports/clock.ts';
import { countingStore, type CountingStore } from './counting-store.ts';

export interface SecureBerth {
  readonly app: Hono;
  readonly ctx: ControlContext;
  readonly security: Security;
  /** The security side's own store over the same table: keys, replay claims, audit records. */
  readonly securityStore: CountingStore;
  readonly adminKey: BootstrapKey;
  /** Set when started with `listen: true`. */
  readonly endpoint: string;
  close(): Promise<void>;
}

export interface SecureBerthOptions {
  readonly clock?: Clock;
  readonly listen?: boolean;
  readonly credentialCacheTtlMs?: number;
  readonly logger?: Logger;
  /** Refused unauthenticated calls recorded in full per source and minute (the audit throttle). */
  readonly auditRefusalsPerMinute?: number;
  /** Replace the security guard (the fuzz suite runs with the open one). */
  readonly guard?: RequestGuard;
}

/**
 * Berth's API in this process over an embedded DynamoDB, with the security
 * guard, the admin API and a bootstrapped admin key: what dev mode runs,
 * minus the scheduler, which these suites do not need.
 */
export async function startSecureBerth(options: SecureBerthOptions = {}): Promise<SecureBerth> {
  const clock = options.clock ?? systemClock;
  const dynamo = await startEmbeddedDynamoDb();
  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: dynamo.region,
    credentials: dynamo.credentials,
  });
  const env = parseEnvironment({});
  await ensureTable(client, env.BERTH_TABLE_NAME);
  const queue = createInProcessQueue({ visibilityTimeoutSeconds: 30, maxReceiveCount: 5 });
  const ctx = controlContext(env, {
    store: createDynamoDbStore({ client: sdkCalls(client), tableName: env.BERTH_TABLE_NAME, now: () => clock.now() }),
    reconcile: queueReconciles(queue),
    clock,
  });
  const securityStore = countingStore(
    createDynamoDbStore({ client: sdkCalls(client), tableName: env.BERTH_TABLE_NAME, now: () => clock.now() }),
  );
  const security = createSecurity({
    store: securityStore,
    clock,
    cipher: ephemeralCipher(),
    deployment: ctx.deployment,
    ...(options.logger !== undefined && { logger: options.logger }),
    ...(options.credentialCacheTtlMs !== undefined && { credentialCacheTtlMs: options.credentialCacheTtlMs }),
    ...(options.auditRefusalsPerMinute !== undefined && { auditRefusalsPerMinute: options.auditRefusalsPerMinute }),
  });
  const adminKey = await security.bootstrapAdminKey();
  if (!adminKey) throw new Error('a fresh table must bootstrap an admin key');
  const app = createApp({
    ctx,
    guard: options.guard ?? security.guard,
    admin: security.admin,
    ...(options.logger !== undefined && { logger: options.logger }),
  });

  let server: ServerType | undefined;
  let endpoint = '';
  if (options.listen) {
    const port = await new Promise<number>((resolve) => {
      server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port));
    });
    endpoint = `http://127.0.0.1:${port}`;
  }
  return {
    app,
    ctx,
    security,
    securityStore,
    adminKey,
    endpoint,
    async close() {
      if (server) await new Promise<void>((resolve) => server?.close(() => resolve()));
      queue.close();
      client.destroy();
      await dynamo.close();
    },
  };
}
