import { createElbv2Targets } from '../adapters/elbv2-targets.ts';
import { createElbv2QueryClient } from '../adapters/elbv2-query-client.ts';
import { withDiscovery } from './dev-cloud-map.ts';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { serve, type ServerType } from '@hono/node-server';
import { Server } from 'node:http';
import type { ControlContext } from '#shared/control/context.ts';
import { createApp } from '../api/app.ts';
import { consoleAssetsFrom } from '../api/console/assets.ts';
import { createDynamoDbJsonClient } from '../adapters/dynamodb-json-client.ts';
import { createDynamoDbStore } from '../adapters/dynamodb-store.ts';
import { ensureTable } from '../adapters/dynamodb-table.ts';
import { createInProcessQueue, type InProcessQueue } from '../adapters/in-process-queue.ts';
import { queueReconciles } from '../adapters/reconcile-queue.ts';
import { createMonitorHandler } from '../monitor/handler.ts';
import { createSchedulerHandler } from '../scheduler/handler.ts';
import { withBodyLimit } from './body-limit.ts';
import { withDevLogs, type DevLogsOptions } from './dev-logs.ts';
import type { LogStore } from '#shared/ports/log-store.ts';
import { controlContext } from './control-context.ts';
import { closableHttpServer } from './http-shutdown.ts';
import { inProcessInstanceChanges } from './instance-changes.ts';
import { startEmbeddedDynamoDb } from './embedded-dynamodb.ts';
import { sweepExpired } from './expiry-sweep.ts';
import { parseEnvironment } from './env.ts';
import { devEc2, optionalEc2, withDevHostBootstrap } from './dev-ec2.ts';
import { silentLogger, type Logger } from './logger.ts';
import { makeDataDirPrivate } from './private-data-dir.ts';
import { startQueuePoller } from './queue-poller.ts';
import { createSecurity, devCipher, type BootstrapKey } from '../security/index.ts';

export interface DevServerOptions {
  /** 0 picks a free port. */
  readonly port: number;
  readonly host?: string;
  /** Keep the table on disk here; in memory when absent. */
  readonly dataDir?: string;
  /** How often the monitor sweeps (the schedule is one minute in AWS). */
  readonly monitorIntervalMs?: number;
  /** How often items past their expiry are deleted (DynamoDB's TTL does it in AWS); 10 minutes by default. */
  readonly expirySweepMs?: number;
  readonly env?: NodeJS.ProcessEnv;
  readonly logger?: Logger;
  /** Retention and size of the container log store (docs/logs.md). */
  readonly logs?: DevLogsOptions;
}

export interface DevServer {
  readonly endpoint: string;
  /** The administrator key created at first start; undefined when the data directory had keys already. */
  readonly adminKey?: BootstrapKey;
  readonly ctx: ControlContext;
  readonly queue: InProcessQueue;
  /** Dev mode's container log store (what the agent ships, what the CloudWatch Logs subset reads). */
  readonly logStore: LogStore;
  /** A single-use agent registration token for the cluster (what `berth agents token` asks for). */
  registrationToken(cluster: string, options?: { uses?: number; ttlSeconds?: number }): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Dev mode calls ELBv2 only when told where: AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2
 * (an emulator, or the real regional endpoint), with the usual AWS keys or
 * an emulator's placeholders.
 */
function withTargets(ctx: ControlContext, vars: NodeJS.ProcessEnv, region: string): ControlContext {
  const endpoint = vars.AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2;
  if (endpoint === undefined || endpoint === '') return ctx;
  const credentials = {
    accessKeyId: vars.AWS_ACCESS_KEY_ID ?? 'berth-dev',
    secretAccessKey: vars.AWS_SECRET_ACCESS_KEY ?? 'berth-dev',
    ...(vars.AWS_SESSION_TOKEN !== undefined && { sessionToken: vars.AWS_SESSION_TOKEN }),
  };
  return { ...ctx, targets: createElbv2Targets(createElbv2QueryClient({ endpoint, region, credentials })) };
}

/** How long stop() lets requests in flight finish before it closes their connections. */
const HTTP_CLOSE_GRACE_MS = 2_000;

export class DevServerError extends Error {
  override readonly name = 'DevServerError';
}

/**
 * Berth's dev mode: the api, scheduler and monitor handlers in one process,
 * over an embedded DynamoDB and the in-process queue. The handlers are the
 * Lambda ones; only the composition differs.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  // Dev mode's polls are held and cost nothing: it polls often and declares a
  // dead host sooner than the AWS defaults, which are set for cost.
  const env = parseEnvironment({
    BERTH_POLL_INTERVAL_SECONDS: '2',
    BERTH_HEARTBEAT_TTL_SECONDS: '30',
    BERTH_MONITOR_INTERVAL_SECONDS: '5',
    ...(options.env ?? process.env),
    // The sweeps' own schedule, so the monitor knows what gap between two of them is an outage.
    ...(options.monitorIntervalMs !== undefined && {
      BERTH_MONITOR_INTERVAL_SECONDS: String(options.monitorIntervalMs / 1000),
    }),
  });
  const logger = options.logger ?? silentLogger;
  if (options.dataDir !== undefined) await privateDataDir(options.dataDir);
  const dynamo = await startEmbeddedDynamoDb({
    region: env.AWS_REGION,
    ...(options.dataDir !== undefined && { dataDir: options.dataDir }),
  });
  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: dynamo.region,
    credentials: dynamo.credentials,
  });
  await ensureTable(client, env.BERTH_TABLE_NAME);
  // The store's own calls go through the lean JSON client: the SDK's request
  // pipeline costs more CPU than the emulator itself (docs/performance.md).
  const calls = createDynamoDbJsonClient({
    endpoint: dynamo.endpoint,
    region: dynamo.region,
    credentials: dynamo.credentials,
  });
  const queue = createInProcessQueue({ visibilityTimeoutSeconds: 30, maxReceiveCount: 5 });
  const changes = inProcessInstanceChanges();
  const ctx = controlContext(env, {
    store: createDynamoDbStore({ client: calls, tableName: env.BERTH_TABLE_NAME }),
    reconcile: queueReconciles(queue),
    // One process: a poll can wait for its instance to change (long poll).
    changes,
    ...optionalEc2(devEc2(options.env ?? process.env, env.AWS_REGION)),
  });
  // The monitor's launches may carry user data naming dev mode's own address, known once it listens.
  let endpoint = '';
  const monitorCtx = withDevHostBootstrap(ctx, options.env ?? process.env, () => endpoint);
  const deps = () => ({ ctx: monitorCtx, logger });
  // Only the scheduler registers load balancer targets and Cloud Map instances, and only where their endpoints are configured.
  const scheduling = {
    ctx: withDiscovery(
      withTargets(ctx, options.env ?? process.env, env.AWS_REGION),
      options.env ?? process.env,
      env.AWS_REGION,
    ),
    logger,
  };
  const poller = startQueuePoller({
    queue,
    handler: createSchedulerHandler(() => scheduling),
    queueArn: `arn:aws:sqs:${env.AWS_REGION}:${env.BERTH_ACCOUNT_ID}:berth-reconcile.fifo`,
    waitSeconds: 1,
    onError: (error) => logger.error('scheduler poll failed', { error }),
  });
  const monitor = createMonitorHandler(deps);
  // One sweep at a time, and stop() waits for the one under way before closing the table.
  let monitoring: Promise<unknown> | undefined;
  const sweeper = setInterval(() => {
    monitoring ??= monitor()
      .catch((error: unknown) => logger.error('monitor sweep failed', { error }))
      .finally(() => {
        monitoring = undefined;
      });
  }, ctx.settings.monitorIntervalMs);
  sweeper.unref();
  // dynalite has no TTL: expired items are deleted here, one sweep at a time.
  let expiring: Promise<unknown> | undefined;
  const expire = () => {
    expiring ??= sweepExpired(client, env.BERTH_TABLE_NAME, ctx.clock.now())
      .catch((error: unknown) => logger.error('expiry sweep failed', { error }))
      .finally(() => {
        expiring = undefined;
      });
  };
  const expiry = setInterval(expire, options.expirySweepMs ?? 600_000);
  expiry.unref();

  // Security keeps its own Store over the same table, so ctx.store's
  // counters count only the control plane's reads and writes.
  const security = createSecurity({
    store: createDynamoDbStore({ client: calls, tableName: env.BERTH_TABLE_NAME }),
    clock: ctx.clock,
    cipher: await devCipher(options.dataDir),
    deployment: ctx.deployment,
    logger,
  });
  const adminKey = await security.bootstrapAdminKey();
  const api = createApp({
    ctx,
    logger,
    guard: security.guard,
    admin: security.admin,
    secrets: security.secrets,
    // Built from console/src with esbuild on the first visit, so a fresh checkout serves it without a build step.
    console: consoleAssetsFrom(async () => (await import('#console/build.ts')).buildConsole()),
  });
  const devLogs = withDevLogs(api, {
    guard: security.guard,
    logger,
    deployment: ctx.deployment,
    ...(options.logs && { options: options.logs }),
  });
  const app = withBodyLimit(devLogs.app);
  let server: ServerType;
  const host = options.host ?? '127.0.0.1';
  const port = await new Promise<number>((resolve, reject) => {
    server = serve({ fetch: app.fetch, port: options.port, hostname: host }, (info) => resolve(info.port));
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new DevServerError(
          error.code === 'EADDRINUSE'
            ? `Port ${options.port} on ${host} is already in use; choose another with --port`
            : `Cannot listen on ${host}:${options.port}: ${error.message}`,
        ),
      ),
    );
  }).catch(async (error: unknown) => {
    clearInterval(sweeper);
    clearInterval(expiry);
    await expiring;
    queue.close();
    await poller.stop();
    calls.destroy();
    await dynamo.close();
    throw error;
  });

  if (!(server! instanceof Server)) throw new DevServerError('The API server is not an HTTP/1.1 server');
  const http = closableHttpServer(server);
  endpoint = `http://${host}:${port}`;

  return {
    endpoint,
    ...(adminKey !== undefined && { adminKey }),
    ctx,
    queue,
    logStore: devLogs.store,
    registrationToken: async (cluster, options = {}) =>
      (await security.agents.createRegistrationToken({ cluster, ...options })).registrationToken,
    async stop() {
      clearInterval(sweeper);
      clearInterval(expiry);
      // Held agent polls answer now; connections still busy after the grace are cut.
      changes.close();
      await http.close(HTTP_CLOSE_GRACE_MS);
      await Promise.all([expiring, monitoring]);
      const stopped = poller.stop();
      queue.close();
      await stopped;
      client.destroy();
      calls.destroy();
      await dynamo.close();
    },
  };
}

async function privateDataDir(dir: string): Promise<void> {
  try {
    await makeDataDirPrivate(dir);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n', 1)[0] : String(error);
    throw new DevServerError(`Cannot use ${dir} as the data directory: ${reason}`);
  }
}
