import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { serve, type ServerType } from '@hono/node-server';
import { createDynamoDbStore } from '#functions/adapters/dynamodb-store.ts';
import { sdkCalls } from '#functions/adapters/dynamodb-calls.ts';
import { ensureTable } from '#functions/adapters/dynamodb-table.ts';
import { createInProcessQueue } from '#functions/adapters/in-process-queue.ts';
import { queueReconciles } from '#functions/adapters/reconcile-queue.ts';
import { createApp } from '#functions/api/app.ts';
import { controlContext } from '#functions/runtime/control-context.ts';
import { inProcessInstanceChanges } from '#functions/runtime/instance-changes.ts';
import { parseEnvironment } from '#functions/runtime/env.ts';
import { silentLogger, type Logger } from '#functions/runtime/logger.ts';
import { startQueuePoller } from '#functions/runtime/queue-poller.ts';
import { createSchedulerHandler } from '#functions/scheduler/handler.ts';
import type { ControlContext } from '#shared/control/context.ts';

/**
 * Dev mode's composition with the table on an outside DynamoDB endpoint
 * (moto, LocalStack, AWS) instead of the embedded emulator: the api and the
 * scheduler in this process, the in-process queue between them. The monitor
 * is left out; a benchmark run is shorter than any lease.
 */
export interface StoreBackedBerth {
  readonly endpoint: string;
  readonly ctx: ControlContext;
  stop(): Promise<void>;
}

export async function startStoreBackedBerth(options: {
  readonly awsEndpoint: string;
  readonly tableName: string;
  readonly logger?: Logger;
}): Promise<StoreBackedBerth> {
  const env = parseEnvironment({ BERTH_POLL_INTERVAL_SECONDS: '2', BERTH_TABLE_NAME: options.tableName });
  const logger = options.logger ?? silentLogger;
  const client = new DynamoDBClient({
    endpoint: options.awsEndpoint,
    region: env.AWS_REGION,
    credentials: {
      accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'testing',
      secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'testing',
    },
  });
  await ensureTable(client, env.BERTH_TABLE_NAME);
  const queue = createInProcessQueue({ visibilityTimeoutSeconds: 30, maxReceiveCount: 5 });
  const ctx = controlContext(env, {
    store: createDynamoDbStore({ client: sdkCalls(client), tableName: env.BERTH_TABLE_NAME }),
    reconcile: queueReconciles(queue),
    changes: inProcessInstanceChanges(),
  });
  const poller = startQueuePoller({
    queue,
    handler: createSchedulerHandler(() => ({ ctx, logger })),
    queueArn: `arn:aws:sqs:${env.AWS_REGION}:${env.BERTH_ACCOUNT_ID}:berth-reconcile.fifo`,
    waitSeconds: 1,
    onError: (error) => logger.error('scheduler poll failed', { error }),
  });
  const app = createApp({ ctx, logger });
  let server: ServerType | undefined;
  const port = await new Promise<number>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port));
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    ctx,
    async stop() {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      const stopped = poller.stop();
      queue.close();
      await stopped;
      client.destroy();
    },
  };
}
