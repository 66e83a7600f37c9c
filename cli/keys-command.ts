import { readFile } from 'node:fs/promises';
import { policyDocument } from '#shared/security/policy/document.ts';
import type { AdminClient } from './admin-client.ts';
import type { CliIo } from './explain.ts';
import { formatCreatedKey, formatKeyTable } from './format.ts';

export const KEYS_USAGE = `Usage:
  berth keys create (--policy FILE | --admin) [--name NAME]
  berth keys list
  berth keys disable ACCESS_KEY_ID
  berth keys rotate ACCESS_KEY_ID`;

export interface KeysArgs {
  readonly positionals: readonly string[];
  readonly policy?: string;
  readonly admin: boolean;
  readonly name?: string;
  readonly json: boolean;
  /** The terminal's width, to which the key table is fitted. */
  readonly width?: number;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** `berth keys ...`: throws UsageError for a bad command line, AdminApiError for a refusal. */
export async function keysCommand(args: KeysArgs, client: AdminClient, io: CliIo): Promise<void> {
  const [verb, id, ...extra] = args.positionals;
  const print = (json: unknown, text: string) => io.stdout(args.json ? `${JSON.stringify(json, null, 2)}\n` : text);
  if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0]}`);
  switch (verb) {
    case 'create': {
      if (id !== undefined) throw new UsageError(`unexpected argument ${id}`);
      if ((args.policy === undefined) === !args.admin) throw new UsageError('give either --policy FILE or --admin');
      const policy = args.policy === undefined ? undefined : await readPolicy(args.policy);
      const created = await client.createAccessKey({
        ...(args.name !== undefined && { name: args.name }),
        ...(policy !== undefined ? { policy } : { admin: true }),
      });
      return print(created, formatCreatedKey(created.accessKey, 'Created'));
    }
    case 'list': {
      if (id !== undefined) throw new UsageError(`unexpected argument ${id}`);
      const listed = await client.listAccessKeys();
      return print(listed, formatKeyTable(listed.accessKeys, args.width));
    }
    case 'disable': {
      if (id === undefined) throw new UsageError('name the access key to disable');
      const disabled = await client.disableAccessKey(id);
      return print(disabled, `Disabled access key ${disabled.accessKey.accessKeyId}.\n`);
    }
    case 'rotate': {
      if (id === undefined) throw new UsageError('name the access key to rotate');
      const rotated = await client.rotateAccessKey(id);
      return print(
        rotated,
        `${formatCreatedKey(rotated.accessKey, 'Rotated: new')}The old key ${rotated.replaced.accessKeyId} is disabled.\n`,
      );
    }
    default:
      throw new UsageError(verb === undefined ? 'name a keys command' : `unknown keys command ${verb}`);
  }
}

/** Reads and checks a policy file before sending it, so a typo is reported with its place. */
async function readPolicy(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UsageError(`${path} is not valid JSON`);
  }
  const checked = policyDocument.safeParse(json);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new UsageError(`${path}: ${issue?.path.join('.') || '(policy)'}: ${issue?.message ?? 'invalid policy'}`);
  }
  return json;
}
