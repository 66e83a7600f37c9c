import { readFile } from 'node:fs/promises';
import { clusterPolicyInput } from '#shared/security/cluster-policy.ts';
import { clusterPolicyResponse, type ClusterPolicyView } from '#shared/security/cluster-policy-api.ts';
import {
  deleteSecretResponse,
  listSecretsResponse,
  putSecretResponse,
  putSecretRequest,
} from '#shared/security/secret-api.ts';
import { adminCall } from './admin-client.ts';
import type { Connection } from './connection.ts';
import type { CliIo } from './explain.ts';
import { UsageError } from './keys-command.ts';

export const CLUSTER_SECURITY_USAGE = `Usage:
  berth cluster-policy get CLUSTER
  berth cluster-policy set CLUSTER --file policy.json
    The whole policy: fields the file leaves out take their secure default (docs/security.md).
  berth secrets put NAME --value-stdin [--clusters A,B]
    Stores a secret for task definitions that name valueFrom berth:secret:NAME;
    the value is read from stdin (one trailing newline dropped), never from the command line.
    --clusters limits it to tasks in those clusters (a put replaces the limit too).
  berth secrets list
  berth secrets delete NAME`;

export interface ClusterSecurityArgs {
  readonly command: 'cluster-policy' | 'secrets';
  readonly positionals: readonly string[];
  readonly file?: string;
  /** `A,B`: the clusters a secret is limited to. */
  readonly clusters?: string;
  readonly valueStdin: boolean;
  readonly json: boolean;
}

export type CliIoWithStdin = CliIo & { readonly readStdin?: () => Promise<string> };

type SignedConnection = Connection & { credentials: NonNullable<Connection['credentials']> };

/** `berth cluster-policy ...` and `berth secrets ...`: UsageError for a bad command line, AdminApiError for a refusal. */
export async function clusterSecurityCommand(
  args: ClusterSecurityArgs,
  connection: SignedConnection,
  io: CliIoWithStdin,
): Promise<void> {
  const call = adminCall(connection, io.fetch);
  const print = (json: unknown, text: string) => io.stdout(args.json ? `${JSON.stringify(json, null, 2)}\n` : text);
  const [verb, name, ...extra] = args.positionals;
  if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0]}`);
  const named = (what: string): string => {
    if (name === undefined) throw new UsageError(`name the ${what}`);
    return encodeURIComponent(name);
  };
  if (args.command === 'cluster-policy') {
    if (verb === 'get') {
      const answer = await call(clusterPolicyResponse, 'GET', `/clusters/${named('cluster')}/policy`);
      return print(answer, formatPolicy(answer.clusterPolicy));
    }
    if (verb === 'set') {
      const cluster = named('cluster');
      if (args.file === undefined) throw new UsageError('give the policy with --file FILE');
      const answer = await call(
        clusterPolicyResponse,
        'PUT',
        `/clusters/${cluster}/policy`,
        await readPolicy(args.file),
      );
      return print(answer, formatPolicy(answer.clusterPolicy));
    }
    throw new UsageError(
      verb === undefined ? 'name a cluster-policy command' : `unknown cluster-policy command ${verb}`,
    );
  }
  if (verb === 'put') {
    const secret = named('secret');
    if (!args.valueStdin)
      throw new UsageError(
        'give the value on stdin with --value-stdin (a value on the command line ends up in shell history)',
      );
    const value = stripNewline(await (io.readStdin ?? readProcessStdin)());
    const clusters = args.clusters?.split(',').map((c) => c.trim());
    const body = { value, ...(clusters !== undefined && { clusters }) };
    const checked = putSecretRequest.safeParse({ name, ...body });
    if (!checked.success) throw new UsageError(`secret ${name}: ${checked.error.issues[0]?.message ?? 'invalid'}`);
    const answer = await call(putSecretResponse, 'PUT', `/secrets/${secret}`, body);
    return print(
      answer,
      `Stored secret ${answer.secret.name}: task definitions name it as valueFrom ${answer.secret.valueFrom}\n`,
    );
  }
  if (verb === 'list') {
    if (name !== undefined) throw new UsageError(`unexpected argument ${name}`);
    const answer = await call(listSecretsResponse, 'GET', '/secrets');
    return print(
      answer,
      answer.secrets
        .map(
          (s) =>
            `${s.name}\t${s.valueFrom}\t${s.clusters ? `clusters ${s.clusters.join(',')}` : 'any cluster'}\tupdated ${s.updatedAt}\n`,
        )
        .join('') || 'No secrets.\n',
    );
  }
  if (verb === 'delete') {
    const answer = await call(deleteSecretResponse, 'DELETE', `/secrets/${named('secret')}`);
    return print(answer, `Deleted secret ${answer.secret.name}.\n`);
  }
  throw new UsageError(verb === undefined ? 'name a secrets command' : `unknown secrets command ${verb}`);
}

function formatPolicy(view: ClusterPolicyView): string {
  const source = view.isSet ? `set ${view.updatedAt ?? ''}` : 'the default (none set)';
  return `Cluster ${view.clusterName}: policy ${source}\n${JSON.stringify(view.policy, null, 2)}\n`;
}

/** Reads and checks a policy file before sending it, so a typo is reported with its place. */
async function readPolicy(path: string): Promise<unknown> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read ${path} as JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const checked = clusterPolicyInput.safeParse(json);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new UsageError(`${path}: ${issue?.path.join('.') || '(policy)'}: ${issue?.message ?? 'invalid policy'}`);
  }
  return json;
}

function stripNewline(text: string): string {
  return text.endsWith('\r\n') ? text.slice(0, -2) : text.endsWith('\n') ? text.slice(0, -1) : text;
}

async function readProcessStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}
