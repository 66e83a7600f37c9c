import {
  createRegistrationTokenResponse,
  MAX_REGISTRATION_TOKEN_USES,
  REGISTRATION_TOKEN_TTL_SECONDS,
  type CreatedRegistrationToken,
} from '#shared/security/agent-credentials.ts';
import type { ECSClient } from '@aws-sdk/client-ecs';
import { adminCall } from './admin-client.ts';
import { agentsList } from './agents-list.ts';
import type { Connection } from './connection.ts';
import type { CliIo } from './explain.ts';
import { requireActiveCluster } from './cluster-check.ts';
import { UsageError } from './keys-command.ts';
import type { OutputFormat } from './output-format.ts';
import type { Terminal } from './terminal.ts';

export const AGENTS_USAGE = `Usage:
  berth agents list [--cluster NAME] [--output table|text|json]
    The container instances (of one cluster, or of all): id, status, whether
    the agent is connected, its version, EC2 id, running tasks, free
    cpu/memory of registered, and the berth.docker.status attribute.
  berth agents token --cluster NAME [--ttl 15m] [--uses 1]
    A registration token for berth-agent (--registration-token): it registers
    --uses instances (default 1) of the cluster within --ttl (60s to 24h,
    default 15m). Only the token is printed on stdout. The cluster
    must exist and be ACTIVE.`;

export interface AgentsArgs {
  readonly positionals: readonly string[];
  readonly cluster?: string;
  readonly ttl?: string;
  readonly uses?: string;
  readonly output: OutputFormat;
}

export interface AgentsDeps {
  readonly ecs: ECSClient;
  readonly terminal: Terminal;
}

/** `berth agents ...`: throws UsageError for a bad command line, AdminApiError for a refusal. */
export async function agentsCommand(
  args: AgentsArgs,
  connection: Connection & { credentials: NonNullable<Connection['credentials']> },
  io: CliIo,
  deps: AgentsDeps,
): Promise<void> {
  const [verb, ...extra] = args.positionals;
  if (verb !== 'token' && verb !== 'list')
    throw new UsageError(verb === undefined ? 'name an agents command' : `unknown agents command ${verb}`);
  if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0]}`);
  if (verb === 'list') return agentsList(args.cluster, args.output, deps.ecs, io, deps.terminal);
  if (args.cluster === undefined) throw new UsageError('name the cluster with --cluster');
  const ttlSeconds = args.ttl !== undefined ? parseTtl(args.ttl) : undefined;
  const uses = args.uses !== undefined ? parseUses(args.uses) : undefined;
  // A token for a cluster that does not exist (a typo) or was deleted would
  // register nothing useful; ECS refuses such a cluster, and so does Berth.
  await requireActiveCluster(connection, args.cluster, io.fetch);
  const request = {
    cluster: args.cluster,
    ...(ttlSeconds !== undefined && { ttlSeconds }),
    ...(uses !== undefined && { uses }),
  };
  const answer = await adminCall(connection, io.fetch)(
    createRegistrationTokenResponse,
    'POST',
    '/registration-tokens',
    request,
  );
  if (args.output === 'json') return io.stdout(`${JSON.stringify(answer, null, 2)}\n`);
  io.stdout(`${answer.registrationToken.registrationToken}\n`);
  io.stderr(describe(answer.registrationToken));
}

function describe(token: CreatedRegistrationToken): string {
  const uses = token.uses === 1 ? 'one instance' : `${token.uses} instances`;
  return `Registration token for cluster ${token.cluster}: registers ${uses} until ${token.expiresAt}. It is not shown again.\n`;
}

/** `90`, `90s`, `15m`, `2h` to seconds, within what the control plane accepts. */
export function parseTtl(text: string): number {
  const match = /^(\d{1,6})([smh]?)$/.exec(text.trim());
  if (!match) throw new UsageError(`--ttl ${text}: give seconds, or a number with s, m or h (15m)`);
  const unit = match[2] === 'h' ? 3600 : match[2] === 'm' ? 60 : 1;
  const seconds = Number(match[1]) * unit;
  const { min, max } = REGISTRATION_TOKEN_TTL_SECONDS;
  if (seconds < min || seconds > max) throw new UsageError(`--ttl ${text}: must be between ${min}s and ${max / 3600}h`);
  return seconds;
}

function parseUses(text: string): number {
  const uses = Number(text);
  if (!Number.isInteger(uses) || uses < 1 || uses > MAX_REGISTRATION_TOKEN_USES) {
    throw new UsageError(`--uses ${text}: must be a whole number from 1 to ${MAX_REGISTRATION_TOKEN_USES}`);
  }
  return uses;
}
