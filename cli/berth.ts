import { ECSServiceException } from '@aws-sdk/client-ecs';
import { parseArgs } from 'node:util';
import { AdminApiError, adminClient } from './admin-client.ts';
import { agentsCommand } from './agents-command.ts';
import { auditCommand } from './audit-command.ts';
import { bootstrapCommand } from './bootstrap-command.ts';
import { EcsCallError } from './cluster-check.ts';
import { clusterSecurityCommand, type CliIoWithStdin } from './cluster-security-command.ts';
import { resolveConnection } from './connection.ts';
import { ecsClient } from './ecs-client.ts';
import { explainCommand, type CliIo } from './explain.ts';
import { ClusterRefusal } from './fleet-snapshot.ts';
import { keysCommand, UsageError } from './keys-command.ts';
import { outputFormat } from './output-format.ts';
import { keyMaterialOf, plainHttpRefusal } from './plain-http-guard.ts';
import { signedFetch } from './signed-fetch.ts';
import { statusCommand } from './status-command.ts';
import { logsCommand } from './logs-command.ts';
import { createTerminal, PLAIN_FACTS, type TerminalFacts } from './terminal.ts';
import { commandUsage, helpText, usageErrorText } from './usage.ts';

export { USAGE } from './usage.ts';

export type BerthIo = CliIoWithStdin & {
  now?: () => number;
  terminal?: TerminalFacts;
  /** Ends a command that runs until interrupted (`berth logs --follow`). */
  signal?: AbortSignal;
};

/**
 * The `berth` admin CLI. Every call is SigV4-signed with the key from the
 * flags or the AWS_* environment. Resolves to the exit code: 0 done,
 * 1 refused or failed, 2 a bad command line.
 */
export async function runBerth(argv: readonly string[], io: BerthIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'help' || command === '--help' || command === '-h' || command === undefined) {
    const topic = command === 'help' ? rest[0] : undefined;
    if (topic !== undefined && commandUsage(topic) === undefined) return usage(io, undefined, `no command ${topic}`);
    io.stdout(`${helpText(topic)}\n`);
    return 0;
  }
  if (commandUsage(command) === undefined) return usage(io, undefined, `unknown command ${command}`);
  if (command === 'explain') return explain(rest, io);
  let parsed;
  try {
    parsed = parseArgs({
      args: [...rest],
      allowPositionals: true,
      strict: true,
      options: {
        'endpoint-url': { type: 'string' },
        endpoint: { type: 'string' },
        region: { type: 'string' },
        'access-key-id': { type: 'string' },
        'secret-access-key': { type: 'string' },
        output: { type: 'string' },
        // The old spelling of --output json, kept (unlisted) for scripts that use it.
        json: { type: 'boolean', default: false },
        policy: { type: 'string' },
        admin: { type: 'boolean', default: false },
        name: { type: 'string' },
        since: { type: 'string' },
        limit: { type: 'string' },
        table: { type: 'string' },
        'kms-key-id': { type: 'string' },
        cluster: { type: 'string' },
        clusters: { type: 'string' },
        ttl: { type: 'string' },
        uses: { type: 'string' },
        file: { type: 'string' },
        'value-stdin': { type: 'boolean', default: false },
        'allow-insecure-http': { type: 'boolean', default: false },
        container: { type: 'string' },
        follow: { type: 'boolean', default: false },
        'logs-endpoint-url': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    return usage(io, command, shortParseError(error));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(`${helpText(command)}\n`);
    return 0;
  }
  let output;
  try {
    output = outputFormat(values.output, values.json === true);
  } catch (error) {
    return usage(io, command, (error as UsageError).message);
  }
  if (command === 'bootstrap') return bootstrap({ ...values, output }, io);
  const connection = resolveConnection(
    {
      ...((values['endpoint-url'] ?? values.endpoint) !== undefined && {
        endpoint: values['endpoint-url'] ?? values.endpoint,
      }),
      ...(values.region !== undefined && { region: values.region }),
      ...(values['access-key-id'] !== undefined && { accessKeyId: values['access-key-id'] }),
      ...(values['secret-access-key'] !== undefined && { secretAccessKey: values['secret-access-key'] }),
    },
    io.env,
  );
  if ('error' in connection) return usage(io, command, connection.error);
  const insecure = plainHttpRefusal(
    connection.endpoint,
    keyMaterialOf(command, positionals),
    values['allow-insecure-http'] === true,
  );
  if (insecure !== undefined) return fail(io, insecure);
  const { credentials } = connection;
  if (!credentials)
    return fail(
      io,
      'no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (dev mode prints an admin key at start)',
    );
  const client = adminClient({ ...connection, credentials }, io.fetch);
  const json = output === 'json';
  const terminal = createTerminal(io.terminal ?? PLAIN_FACTS, io.env, io.stderr);
  const ecs = ecsClient({ ...connection, credentials });
  try {
    if (command === 'keys') {
      await keysCommand(
        {
          positionals,
          admin: values.admin === true,
          json,
          width: terminal.width,
          ...(values.policy !== undefined && { policy: values.policy }),
          ...(values.name !== undefined && { name: values.name }),
        },
        client,
        io,
      );
    } else if (command === 'agents') {
      await agentsCommand(
        {
          positionals,
          output,
          ...(values.cluster !== undefined && { cluster: values.cluster }),
          ...(values.ttl !== undefined && { ttl: values.ttl }),
          ...(values.uses !== undefined && { uses: values.uses }),
        },
        { ...connection, credentials },
        io,
        { ecs, terminal },
      );
    } else if (command === 'status') {
      await statusCommand(
        { positionals, output, ...(values.cluster !== undefined && { cluster: values.cluster }) },
        ecs,
        io,
        terminal,
      );
    } else if (command === 'logs') {
      await logsCommand(
        {
          positionals,
          follow: values.follow === true,
          json,
          ...(values.cluster !== undefined && { cluster: values.cluster }),
          ...(values.container !== undefined && { container: values.container }),
          ...(values.since !== undefined && { since: values.since }),
          ...(values['logs-endpoint-url'] !== undefined && { logsEndpoint: values['logs-endpoint-url'] }),
        },
        { ...connection, credentials },
        ecs,
        io,
        (io.now ?? Date.now)(),
      );
    } else if (command === 'cluster-policy' || command === 'secrets') {
      await clusterSecurityCommand(
        {
          command,
          positionals,
          json,
          valueStdin: values['value-stdin'] === true,
          ...(values.file !== undefined && { file: values.file }),
          ...(values.clusters !== undefined && { clusters: values.clusters }),
        },
        { ...connection, credentials },
        io,
      );
    } else if (command === 'audit') {
      if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
      await auditCommand(
        {
          json,
          width: terminal.width,
          ...(values.since !== undefined && { since: values.since }),
          ...(values.limit !== undefined && { limit: values.limit }),
        },
        client,
        io,
        (io.now ?? Date.now)(),
      );
    } else {
      return usage(io, undefined, `unknown command ${command}`);
    }
    return 0;
  } catch (error) {
    if (error instanceof UsageError) return usage(io, command, error.message);
    if (error instanceof AdminApiError) return fail(io, `${error.type}: ${error.message}`);
    if (
      error instanceof ClusterRefusal ||
      error instanceof EcsCallError ||
      error instanceof ECSServiceException ||
      (error instanceof Error && error.name.endsWith('Exception') && '$metadata' in error)
    )
      return fail(io, `${error.name}: ${error.message}`);
    return fail(io, `cannot reach ${connection.endpoint}: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    ecs.destroy();
  }
}

function bootstrap(
  values: { table?: string; 'kms-key-id'?: string; region?: string; output: string },
  io: CliIo,
): Promise<number> {
  const region = values.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  return bootstrapCommand(
    {
      region,
      json: values.output === 'json',
      ...(values.table !== undefined && { table: values.table }),
      ...(values['kms-key-id'] !== undefined && { kmsKeyId: values['kms-key-id'] }),
    },
    io,
  ).then(
    () => 0,
    (error: unknown) =>
      error instanceof UsageError
        ? usage(io, 'bootstrap', error.message)
        : fail(io, `bootstrap failed: ${error instanceof Error ? error.message : String(error)}`),
  );
}

/** `berth explain` parses its own flags; it is handed a fetch that signs, when a key is configured. */
function explain(argv: readonly string[], io: CliIo): Promise<number> {
  const connection = resolveConnection({}, io.env);
  if ('error' in connection || !connection.credentials) return explainCommand(argv, io);
  const fetchSigned = signedFetch({
    credentials: connection.credentials,
    region: connection.region,
    ...(io.fetch && { fetch: io.fetch }),
  });
  return explainCommand(argv, { ...io, fetch: fetchSigned });
}

function usage(io: CliIo, command: string | undefined, message: string): number {
  io.stderr(usageErrorText(command, message));
  return 2;
}

function fail(io: CliIo, message: string): number {
  io.stderr(`berth: ${message}\n`);
  return 1;
}

/** node's parseArgs explains at length how to pass a dash argument; the option's name is what matters. */
function shortParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const unknown = /^Unknown option '([^']+)'/.exec(message);
  return unknown ? `unknown option ${unknown[1]}` : message;
}
