import { parseArgs } from 'node:util';
import { AdminApiError, adminClient } from './admin-client.ts';
import { AGENTS_USAGE, agentsCommand } from './agents-command.ts';
import { AUDIT_USAGE, auditCommand } from './audit-command.ts';
import { BOOTSTRAP_USAGE, bootstrapCommand } from './bootstrap-command.ts';
import { CLUSTER_SECURITY_USAGE, clusterSecurityCommand, type CliIoWithStdin } from './cluster-security-command.ts';
import { CONNECTION_USAGE, resolveConnection } from './connection.ts';
import { explainCommand, type CliIo } from './explain.ts';
import { KEYS_USAGE, keysCommand, UsageError } from './keys-command.ts';
import { keyMaterialOf, plainHttpRefusal } from './plain-http-guard.ts';
import { signedFetch } from './signed-fetch.ts';

export const USAGE = `Usage: berth <command> [options]

Commands:
  keys create (--policy FILE | --admin) [--name NAME]   create an access key (its secret is shown once)
  keys list                                              list access keys (never their secrets)
  keys disable ACCESS_KEY_ID                             disable a key
  keys rotate ACCESS_KEY_ID                              replace a key with a new one and disable it
  audit [--since TIME] [--limit N]                       read the audit log
  agents token --cluster NAME [--ttl 15m] [--uses N]     a registration token for berth-agent
  cluster-policy get|set CLUSTER [--file FILE]           a cluster's security policy (privilege, host access, images)
  secrets put NAME --value-stdin [--clusters A,B] | list | delete NAME    Berth's secret store (valueFrom berth:secret:NAME)
  explain --task-definition REF [...]                    where a RunTask would place its tasks (berth explain --help)
  bootstrap --table NAME --kms-key-id KEY                the first admin key of an AWS deployment

Options:
${CONNECTION_USAGE}
  --output text|json        (default text)
  --allow-insecure-http     let keys create/rotate, secrets put and agents token use a plain
                            http:// endpoint other than loopback (anyone on the path reads the secret)

${KEYS_USAGE}

${AUDIT_USAGE}

${AGENTS_USAGE}

${CLUSTER_SECURITY_USAGE}

${BOOTSTRAP_USAGE}`;

/**
 * The `berth` admin CLI. Every call is SigV4-signed with the key from the
 * flags or the AWS_* environment. Resolves to the exit code: 0 done,
 * 1 refused or failed, 2 a bad command line.
 */
export async function runBerth(argv: readonly string[], io: CliIoWithStdin & { now?: () => number }): Promise<number> {
  const [command, ...rest] = argv;
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
        output: { type: 'string', default: 'text' },
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
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    return usage(io, error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help || command === undefined || command === 'help' || command === '--help' || command === '-h') {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if (values.output !== 'text' && values.output !== 'json') return usage(io, '--output must be text or json');
  if (command === 'bootstrap') return bootstrap(values, io);
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
  if ('error' in connection) return usage(io, connection.error);
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
  const json = values.output === 'json';
  try {
    if (command === 'keys') {
      await keysCommand(
        {
          positionals,
          admin: values.admin === true,
          json,
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
          json,
          ...(values.cluster !== undefined && { cluster: values.cluster }),
          ...(values.ttl !== undefined && { ttl: values.ttl }),
          ...(values.uses !== undefined && { uses: values.uses }),
        },
        { ...connection, credentials },
        io,
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
          ...(values.since !== undefined && { since: values.since }),
          ...(values.limit !== undefined && { limit: values.limit }),
        },
        client,
        io,
        (io.now ?? Date.now)(),
      );
    } else {
      throw new UsageError(`unknown command ${command}`);
    }
    return 0;
  } catch (error) {
    if (error instanceof UsageError) return usage(io, error.message);
    if (error instanceof AdminApiError) return fail(io, `${error.type}: ${error.message}`);
    return fail(io, `cannot reach ${connection.endpoint}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function bootstrap(
  values: { table?: string; 'kms-key-id'?: string; region?: string; output?: string },
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
        ? usage(io, error.message)
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

function usage(io: CliIo, message: string): number {
  io.stderr(`berth: ${message}\n\n${USAGE}\n`);
  return 2;
}

function fail(io: CliIo, message: string): number {
  io.stderr(`berth: ${message}\n`);
  return 1;
}
