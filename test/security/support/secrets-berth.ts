import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { createDynamoDbStore } from '#functions/adapters/dynamodb-store.ts';
import { sdkCalls } from '#functions/adapters/dynamodb-calls.ts';
import { ensureTable } from '#functions/adapters/dynamodb-table.ts';
import { createInProcessQueue } from '#functions/adapters/in-process-queue.ts';
import { queueReconciles } from '#functions/adapters/reconcile-queue.ts';
import { agentSecretsRouter } from '#functions/api/agent/secrets-router.ts';
import { createApp } from '#functions/api/app.ts';
import { controlContext } from '#functions/runtime/control-context.ts';
import { startEmbeddedDynamoDb } from '#functions/runtime/embedded-dynamodb.ts';
import { parseEnvironment } from '#functions/runtime/env.ts';
import type { Logger } from '#functions/runtime/logger.ts';
import { createSecurity, ephemeralCipher, type BootstrapKey, type Security } from '#functions/security/index.ts';
import type { ControlContext } from '#shared/control/context.ts';

export interface SecretsBerth {
  /** A raw client of the table, for a suite that scans it for a secret's value. */
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly ctx: ControlContext;
  readonly security: Security;
  readonly adminKey: BootstrapKey;
  /** The ECS, admin and agent secrets API on loopback. */
  readonly endpoint: string;
  close(): Promise<void>;
}

/**
 * The ECS and admin API plus the agent's secrets call, served on loopback
 * over an embedded DynamoDB with a bootstrapped admin key. Agent credentials
 * are other suites' subject: here an instance names itself.
 */
export async function startSecretsBerth(options: { logger?: Logger } = {}): Promise<SecretsBerth> {
  const env = parseEnvironment({});
  const tableName = env.BERTH_TABLE_NAME;
  const dynamo = await startEmbeddedDynamoDb();
  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: dynamo.region,
    credentials: dynamo.credentials,
  });
  await ensureTable(client, tableName);
  const queue = createInProcessQueue({ visibilityTimeoutSeconds: 30, maxReceiveCount: 5 });
  const ctx = controlContext(env, {
    store: createDynamoDbStore({ client: sdkCalls(client), tableName }),
    reconcile: queueReconciles(queue),
  });
  const logger = options.logger;
  const security = createSecurity({
    store: createDynamoDbStore({ client: sdkCalls(client), tableName }),
    clock: ctx.clock,
    cipher: ephemeralCipher(),
    deployment: ctx.deployment,
    ...(logger !== undefined && { logger }),
    checkAgent: async () => {},
  });
  const adminKey = await security.bootstrapAdminKey();
  if (!adminKey) throw new Error('a fresh table bootstraps an admin key');
  const app = new Hono();
  app.route('/agent/v1', agentSecretsRouter(ctx, security.secrets, logger));
  app.route(
    '/',
    createApp({ ctx, guard: security.guard, admin: security.admin, ...(logger !== undefined && { logger }) }),
  );
  let server: ServerType | undefined;
  const port = await new Promise<number>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port));
  });
  return {
    client,
    tableName,
    ctx,
    security,
    adminKey,
    endpoint: `http://127.0.0.1:${port}`,
    async close() {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      queue.close();
      client.destroy();
      await dynamo.close();
    },
  };
}
