import { parseArgs } from 'node:util';
import { ConfigurationError } from './env.ts';
import { DevServerError, startDevServer } from './dev-server.ts';
import { jsonLogger } from './logger.ts';
import { EmbeddedDynamoDbError } from './embedded-dynamodb.ts';
import { startDevAgent } from './dev-agent.ts';
import { exitOnSignals } from './shutdown-signals.ts';
import type { BootstrapKey } from '../security/index.ts';

/**
 * `npm start`: Berth on this machine. The control plane listens on loopback;
 * an agent joins it on the local Docker engine when one is reachable.
 */
const USAGE = `usage: npm start -- [--port 7466] [--host 127.0.0.1] [--data-dir DIR] [--cluster default] [--no-agent] [--verbose] [--log-retention-days 7] [--log-max-mib 64]`;

/**
 * Past this, a stop that hangs is cut short by exiting. Stopping takes the
 * containers' grace (dev-containers.ts) plus the HTTP grace (dev-server.ts)
 * at most, a few seconds.
 */
const SHUTDOWN_DEADLINE_MS = 10_000;

async function main(): Promise<void> {
  // Everything dev mode writes (the table's files, keys, the agent's
  // credential) is for this user alone, whichever library creates the file.
  process.umask(0o077);
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: process.env.BERTH_PORT ?? '7466' },
      host: { type: 'string', default: '127.0.0.1' },
      'data-dir': { type: 'string' },
      cluster: { type: 'string', default: 'default' },
      'no-agent': { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      'log-retention-days': { type: 'string' },
      'log-max-mib': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigurationError(`Invalid --port ${values.port}`);
  const logger = values.verbose ? jsonLogger() : undefined;
  const retentionDays = positiveOption('--log-retention-days', values['log-retention-days']);
  const maxMiB = positiveOption('--log-max-mib', values['log-max-mib']);
  const server = await startDevServer({
    port,
    host: values.host,
    ...(values['data-dir'] !== undefined && { dataDir: values['data-dir'] }),
    ...(logger !== undefined && { logger }),
    logs: {
      ...(retentionDays !== undefined && { retentionDays }),
      ...(maxMiB !== undefined && { maxMiB }),
    },
  });
  const agent = values['no-agent']
    ? undefined
    : await startDevAgent(server, values.cluster, {
        ...(values['data-dir'] !== undefined && { dataDir: values['data-dir'] }),
        verbose: values.verbose,
      });

  process.stdout.write(
    banner(
      server.endpoint,
      server.ctx.deployment.region,
      values.cluster,
      agent?.summary ?? 'agent: off (--no-agent)',
      server.adminKey,
    ),
  );
  exitOnSignals({
    stop: async () => {
      await agent?.stop();
      await server.stop();
    },
    deadlineMs: SHUTDOWN_DEADLINE_MS,
  });
}

function banner(
  endpoint: string,
  region: string,
  cluster: string,
  agentLine: string,
  key: BootstrapKey | undefined,
): string {
  // AWS CLI v1 reads only AWS_DEFAULT_REGION; v2 and the SDKs read AWS_REGION first.
  const regions = `AWS_REGION=${region} AWS_DEFAULT_REGION=${region}`;
  const credentials = key
    ? `Your administrator key (shown this once; every request must be signed):
  export AWS_ACCESS_KEY_ID=${key.accessKeyId} AWS_SECRET_ACCESS_KEY=${key.secretAccessKey} ${regions}`
    : `Access keys exist in the data directory already: use one of them (berth keys list).
  export ${regions}`;
  return `Berth is running (dev mode).
  endpoint: ${endpoint}
  ${agentLine}

${credentials}

Try it with the AWS CLI:
  aws ecs create-cluster --cluster-name ${cluster} --endpoint-url ${endpoint}
  aws ecs register-task-definition --family hello --endpoint-url ${endpoint} \\
    --container-definitions '[{"name":"hello","image":"busybox","memory":64,"command":["sleep","300"]}]'
  aws ecs run-task --cluster ${cluster} --task-definition hello --endpoint-url ${endpoint}
  aws ecs list-tasks --cluster ${cluster} --endpoint-url ${endpoint}

Press Ctrl-C to stop.
`;
}

main().catch((error: unknown) => {
  const known =
    error instanceof DevServerError || error instanceof ConfigurationError || error instanceof EmbeddedDynamoDbError;
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`berth: ${known ? message : `failed to start: ${message}`}\n`);
  process.exit(1);
});

/** A whole number of at least 1 for a dev-mode bound, or undefined when the flag is absent. */
function positiveOption(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new ConfigurationError(`Invalid ${flag} ${value}: a whole number of at least 1`);
  return n;
}
