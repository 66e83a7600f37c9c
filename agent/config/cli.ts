import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  boolean,
  describeIssue,
  int,
  literal,
  number,
  oneOf,
  string,
  unknown,
  url,
  type Checked,
} from '../check/check.ts';
import { array, optional, record, strictObject, union, withDefault } from '../check/compose.ts';
import type { AgentOptions } from './agent-options.ts';
import { insecureEndpointRefusal } from './endpoint-guard.ts';
import { readSecretFiles } from './secret-files.ts';

/**
 * berth-agent's configuration, from (highest first) flags, environment and a
 * JSON file named by --config or BERTH_CONFIG. The file uses the same names
 * as `startAgent`'s options; see docs/agent.md for every setting.
 */
const port = int({ min: 1, max: 65535 });
const fileSchema = strictObject({
  endpoint: url(),
  cluster: string({ pattern: /^[a-zA-Z0-9_-]{1,255}$/ }),
  registrationToken: optional(string()),
  registrationTokenFile: optional(string()),
  caFile: optional(string()),
  allowInsecureHttp: withDefault(boolean(), () => false),
  allowTaskImds: optional(boolean()),
  stateDir: withDefault(string(), () => '/var/lib/berth-agent'),
  dockerHost: optional(string()),
  reservedMemoryMiB: optional(int({ min: 0 })),
  reservedPorts: optional(array(port)),
  reservedPortsUdp: optional(array(port)),
  dynamicPortRange: optional(string({ pattern: /^\d+-\d+$/ })),
  pollIntervalSeconds: optional(number({ above: 0 })),
  cleanupDelaySeconds: optional(number({ min: 0 })),
  defaultStopTimeoutSeconds: optional(int({ min: 0 })),
  imds: optional(
    union(literal(false), strictObject({ endpoint: optional(url()), timeoutMs: optional(int({ above: 0 })) })),
  ),
  taskMetadata: optional(union(literal(false), strictObject({ address: optional(string({ min: 1 })) }))),
  attributes: optional(record(string())),
  hostAddress: optional(string({ pattern: /^[0-9a-fA-F:.]{2,45}$/ })),
  awsvpcSubnet: optional(string({ pattern: /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/ })),
  dns: optional(
    strictObject({ address: string({ pattern: /^[0-9.]{7,15}$/ }), port: optional(int({ min: 0, max: 65535 })) }),
  ),
  registryCredentials: optional(
    record(strictObject({ username: string(), password: string(), serverAddress: optional(string()) })),
  ),
  engineTimeouts: optional(
    strictObject({ callMs: optional(int({ above: 0 })), livenessIntervalMs: optional(int({ above: 0 })) }),
  ),
  foreignContainerCheckSeconds: optional(number({ above: 0 })),
  metricsIntervalSeconds: optional(number({ min: 0 })),
  awslogs: optional(oneOf(['agent', 'engine', 'cloudwatch'])),
  drain: withDefault(boolean(), () => false),
  logLevel: withDefault(oneOf(['debug', 'info', 'warn', 'error']), (): 'info' => 'info'),
});
/** The checked settings, with the CA bundle read from caFile and the token from registrationTokenFile. */
export type CliConfig = Checked<typeof fileSchema> & { readonly tlsCa?: string };

export const USAGE = `Usage: berth-agent --endpoint URL --cluster NAME [options]

  --endpoint URL             control plane (BERTH_ENDPOINT)
  --cluster NAME             cluster to join (BERTH_CLUSTER)
  --registration-token T     registers the instance once (BERTH_REGISTRATION_TOKEN; berth agents token)
  --registration-token-file F  the same, read from a file (BERTH_REGISTRATION_TOKEN_FILE); empty = none
  --ca-file FILE             PEM CA bundle trusted for an https:// endpoint (BERTH_CA_FILE)
  --allow-insecure-http      allow a plain http:// endpoint that is not loopback (BERTH_ALLOW_INSECURE_HTTP=true)
  --allow-task-imds          let task containers reach 169.254.169.254 (BERTH_ALLOW_TASK_IMDS=true)
  --config FILE              JSON settings (BERTH_CONFIG); flags and environment win
  --state-dir DIR            identity and task records (BERTH_STATE_DIR, /var/lib/berth-agent)
  --docker-host URL          unix:///path or tcp://host:port (DOCKER_HOST)
  --reserved-memory MIB      memory not offered to tasks (BERTH_RESERVED_MEMORY, 0)
  --reserved-ports LIST      extra reserved TCP ports, comma separated (BERTH_RESERVED_PORTS)
  --reserved-ports-udp LIST  reserved UDP ports (BERTH_RESERVED_PORTS_UDP)
  --dynamic-port-range A-B   host ports for dynamic mappings (BERTH_DYNAMIC_PORT_RANGE, 49153-65535)
  --poll-interval SECONDS    override the control plane's interval (BERTH_POLL_INTERVAL)
  --cleanup-delay SECONDS    keep stopped containers this long (BERTH_CLEANUP_DELAY, 3600)
  --stop-timeout SECONDS     default stop timeout (BERTH_STOP_TIMEOUT, 30)
  --engine-timeout SECONDS   deadline of one Docker engine call (BERTH_ENGINE_TIMEOUT, 30)
  --metrics-interval SECONDS sample task cpu and memory this often, 0 for never (BERTH_METRICS_INTERVAL, 20)
  --awslogs agent|cloudwatch|engine  who writes awslogs output: the agent ships it to the control plane (dev mode),
                            the agent writes it to CloudWatch Logs (AWS hosts), or the engine's awslogs driver does;
                            both with the host's credentials (BERTH_AWSLOGS, agent)
  --imds-endpoint URL        EC2 metadata service (BERTH_IMDS_ENDPOINT)
  --no-imds                  skip EC2 metadata (BERTH_IMDS=off)
  --task-metadata-address IP where the task metadata endpoint listens (BERTH_TASK_METADATA_ADDRESS, the bridge gateway)
  --no-task-metadata         serve containers no task metadata endpoint (BERTH_TASK_METADATA=off)
  --attribute NAME=VALUE     custom attribute, repeatable
  --host-address IP          address other hosts reach this one at, off EC2 (BERTH_HOST_ADDRESS)
  --awsvpc-subnet CIDR       subnet of the host's awsvpc task network (BERTH_AWSVPC_SUBNET, 10.213.0.0/16)
  --dns-address IP[:PORT]    serve the cluster's DNS view here, port 53 by default (BERTH_DNS_ADDRESS; off)
  --drain                    on SIGTERM, stop every task before exiting (BERTH_DRAIN=true)
  --log-level LEVEL          debug, info, warn or error (BERTH_LOG_LEVEL)`;

export type CliResult =
  | { readonly ok: true; readonly config: CliConfig }
  | { readonly ok: true; readonly help: true }
  | { readonly ok: false; readonly message: string };

export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv): CliResult {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        endpoint: { type: 'string' },
        cluster: { type: 'string' },
        'registration-token': { type: 'string' },
        'registration-token-file': { type: 'string' },
        'ca-file': { type: 'string' },
        'allow-insecure-http': { type: 'boolean' },
        'allow-task-imds': { type: 'boolean' },
        config: { type: 'string' },
        'state-dir': { type: 'string' },
        'docker-host': { type: 'string' },
        'reserved-memory': { type: 'string' },
        'reserved-ports': { type: 'string' },
        'reserved-ports-udp': { type: 'string' },
        'dynamic-port-range': { type: 'string' },
        'poll-interval': { type: 'string' },
        'cleanup-delay': { type: 'string' },
        'stop-timeout': { type: 'string' },
        'engine-timeout': { type: 'string' },
        'metrics-interval': { type: 'string' },
        awslogs: { type: 'string' },
        'imds-endpoint': { type: 'string' },
        'no-imds': { type: 'boolean' },
        'task-metadata-address': { type: 'string' },
        'no-task-metadata': { type: 'boolean' },
        attribute: { type: 'string', multiple: true },
        'host-address': { type: 'string' },
        'awsvpc-subnet': { type: 'string' },
        'dns-address': { type: 'string' },
        drain: { type: 'boolean' },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  if (parsed.help) return { ok: true, help: true };
  const file = parsed.config ?? env.BERTH_CONFIG;
  let fromFile: Record<string, unknown> = {};
  if (file) {
    try {
      const read = record(unknown())(JSON.parse(readFileSync(file, 'utf8')));
      if (!read.ok) return { ok: false, message: `Cannot read the config file ${file}: ${describeIssue(read.issue)}` };
      fromFile = read.value;
    } catch (error) {
      return {
        ok: false,
        message: `Cannot read the config file ${file}: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  }
  const given = (flag: string | undefined, variable: string | undefined): string | undefined => flag ?? variable;
  const number = (text: string | undefined): number | undefined => (text === undefined ? undefined : Number(text));
  const ports = (text: string | undefined): number[] | undefined =>
    text === undefined ? undefined : text.split(',').filter(Boolean).map(Number);
  const imdsOff = parsed['no-imds'] || env.BERTH_IMDS === 'off';
  const imdsEndpoint = given(parsed['imds-endpoint'], env.BERTH_IMDS_ENDPOINT);
  const metadataOff = parsed['no-task-metadata'] || env.BERTH_TASK_METADATA === 'off';
  const metadataAddress = given(parsed['task-metadata-address'], env.BERTH_TASK_METADATA_ADDRESS);
  const attributes = parsed.attribute?.map((a) => a.split('=')).map(([name = '', ...value]) => [name, value.join('=')]);
  const overrides = {
    endpoint: given(parsed.endpoint, env.BERTH_ENDPOINT),
    cluster: given(parsed.cluster, env.BERTH_CLUSTER),
    registrationToken: given(parsed['registration-token'], env.BERTH_REGISTRATION_TOKEN),
    registrationTokenFile: given(parsed['registration-token-file'], env.BERTH_REGISTRATION_TOKEN_FILE),
    caFile: given(parsed['ca-file'], env.BERTH_CA_FILE),
    allowInsecureHttp: parsed['allow-insecure-http'] || env.BERTH_ALLOW_INSECURE_HTTP === 'true' ? true : undefined,
    allowTaskImds: parsed['allow-task-imds'] || env.BERTH_ALLOW_TASK_IMDS === 'true' ? true : undefined,
    stateDir: given(parsed['state-dir'], env.BERTH_STATE_DIR),
    dockerHost: given(parsed['docker-host'], env.DOCKER_HOST),
    reservedMemoryMiB: number(given(parsed['reserved-memory'], env.BERTH_RESERVED_MEMORY)),
    reservedPorts: ports(given(parsed['reserved-ports'], env.BERTH_RESERVED_PORTS)),
    reservedPortsUdp: ports(given(parsed['reserved-ports-udp'], env.BERTH_RESERVED_PORTS_UDP)),
    dynamicPortRange: given(parsed['dynamic-port-range'], env.BERTH_DYNAMIC_PORT_RANGE),
    pollIntervalSeconds: number(given(parsed['poll-interval'], env.BERTH_POLL_INTERVAL)),
    cleanupDelaySeconds: number(given(parsed['cleanup-delay'], env.BERTH_CLEANUP_DELAY)),
    defaultStopTimeoutSeconds: number(given(parsed['stop-timeout'], env.BERTH_STOP_TIMEOUT)),
    engineTimeouts: engineTimeout(
      fromFile.engineTimeouts,
      number(given(parsed['engine-timeout'], env.BERTH_ENGINE_TIMEOUT)),
    ),
    metricsIntervalSeconds: number(given(parsed['metrics-interval'], env.BERTH_METRICS_INTERVAL)),
    awslogs: given(parsed.awslogs, env.BERTH_AWSLOGS),
    imds: imdsOff ? false : imdsEndpoint ? { endpoint: imdsEndpoint } : undefined,
    taskMetadata: metadataOff ? false : metadataAddress ? { address: metadataAddress } : undefined,
    attributes: attributes ? Object.fromEntries(attributes) : undefined,
    hostAddress: given(parsed['host-address'], env.BERTH_HOST_ADDRESS),
    awsvpcSubnet: given(parsed['awsvpc-subnet'], env.BERTH_AWSVPC_SUBNET),
    dns: dnsAddress(given(parsed['dns-address'], env.BERTH_DNS_ADDRESS)),
    drain: parsed.drain || env.BERTH_DRAIN === 'true' ? true : undefined,
    logLevel: given(parsed['log-level'], env.BERTH_LOG_LEVEL),
  };
  const merged = { ...fromFile, ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) };
  const config = fileSchema(merged);
  if (!config.ok)
    return { ok: false, message: `Invalid setting ${config.issue.path.join('.')}: ${config.issue.message}` };
  return withSecretFiles(config.value);
}

/** Refuses plain HTTP off loopback, then reads the token and CA files the settings name. */
function withSecretFiles(config: Checked<typeof fileSchema>): CliResult {
  const refusal = insecureEndpointRefusal(config.endpoint, config.allowInsecureHttp);
  if (refusal !== undefined) return { ok: false, message: refusal };
  const files = readSecretFiles(config.registrationTokenFile, config.caFile);
  if (!files.ok) return files;
  const registrationToken = config.registrationToken ?? files.registrationToken;
  return {
    ok: true,
    config: {
      ...config,
      ...(registrationToken === undefined ? {} : { registrationToken }),
      ...(files.tlsCa === undefined ? {} : { tlsCa: files.tlsCa }),
    },
  };
}

/** The file's engine deadlines with the call deadline from a flag or the environment (seconds) over them. */
function engineTimeout(fromFile: unknown, seconds: number | undefined): unknown {
  if (seconds === undefined) return undefined;
  const base = typeof fromFile === 'object' && fromFile !== null ? fromFile : {};
  return { ...base, callMs: Number.isFinite(seconds) ? Math.round(seconds * 1000) : seconds };
}

/** The CLI's settings as `startAgent` options (drain, log level and the file names are the CLI's own). */
export function toAgentOptions(config: CliConfig): AgentOptions {
  const {
    drain: _drain,
    logLevel: _logLevel,
    registrationTokenFile: _tokenFile,
    caFile: _caFile,
    allowInsecureHttp: _allowInsecureHttp,
    ...options
  } = config;
  return options;
}

/** `IP` or `IP:PORT`; the schema checks the parts. */
function dnsAddress(text: string | undefined): { address: string; port?: number } | undefined {
  if (text === undefined) return undefined;
  const [address = '', port] = text.split(':');
  return port === undefined ? { address } : { address, port: Number(port) };
}
