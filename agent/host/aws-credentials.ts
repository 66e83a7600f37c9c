import type { AwsCredentials } from '#shared/aws/aws-json-call.ts';
import { imdsRoleCredentials } from '../check/aws-answers.ts';
import { safeParse } from '../check/check.ts';
import { openImdsSession } from './imds.ts';

/**
 * The host's AWS credentials and region for the agent's own calls
 * (CloudWatch Logs), found as the AWS SDK's default chain finds them on a
 * host: the environment first (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY,
 * with AWS_SESSION_TOKEN), then the EC2 instance role through IMDSv2. Not
 * read: a shared credentials or config file (~/.aws), SSO, web identity,
 * the ECS container credentials endpoint and credential processes; an agent
 * host has its keys in the environment or an instance role (docs/logs.md).
 */
export interface HostAwsOptions {
  readonly env: NodeJS.ProcessEnv;
  /** The metadata service; undefined when the agent runs with IMDS off. */
  readonly imds: { readonly endpoint: string; readonly timeoutMs: number } | undefined;
  readonly now?: () => number;
}

/** The SDK's window: role credentials this close to their Expiration are fetched again. */
export const REFRESH_BEFORE_EXPIRY_MS = 5 * 60 * 1000;

interface Cached {
  readonly credentials: AwsCredentials;
  readonly expiresAt: number;
}

function fromEnvironment(env: NodeJS.ProcessEnv): AwsCredentials | undefined {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN } = env;
  if (!accessKeyId || !secretAccessKey) return undefined;
  return { accessKeyId, secretAccessKey, ...(AWS_SESSION_TOKEN ? { sessionToken: AWS_SESSION_TOKEN } : {}) };
}

function imdsDisabled(options: HostAwsOptions): boolean {
  return options.imds === undefined || options.env.AWS_EC2_METADATA_DISABLED?.toLowerCase() === 'true';
}

async function fromInstanceRole(imds: NonNullable<HostAwsOptions['imds']>): Promise<Cached> {
  const read = await openImdsSession(imds.endpoint, imds.timeoutMs, 21_600);
  if (!read) throw new Error('the EC2 metadata service gave no session token');
  const role = (await read('iam/security-credentials/'))?.split('\n')[0]?.trim();
  if (!role) throw new Error('the EC2 instance has no IAM role');
  const text = await read(`iam/security-credentials/${encodeURIComponent(role)}`);
  if (text === undefined) throw new Error(`the EC2 metadata service has no credentials for role ${role}`);
  const parsed = safeParse(imdsRoleCredentials, JSON.parse(text));
  if (!parsed.success || (parsed.data.Code !== undefined && parsed.data.Code !== 'Success'))
    throw new Error(`the EC2 metadata service answered unusable credentials for role ${role}`);
  const { AccessKeyId, SecretAccessKey, Token, Expiration } = parsed.data;
  return {
    credentials: {
      accessKeyId: AccessKeyId,
      secretAccessKey: SecretAccessKey,
      ...(Token ? { sessionToken: Token } : {}),
    },
    expiresAt: Date.parse(Expiration),
  };
}

/**
 * A provider to ask before every call: environment keys as they are, role
 * credentials cached until five minutes before their Expiration (one fetch
 * at a time). Rejects, naming the sources tried, when none has credentials.
 */
export function hostCredentials(options: HostAwsOptions): () => Promise<AwsCredentials> {
  const now = options.now ?? Date.now;
  let cached: Cached | undefined;
  let fetching: Promise<Cached> | undefined;
  return async () => {
    const fromEnv = fromEnvironment(options.env);
    if (fromEnv) return fromEnv;
    if (imdsDisabled(options) || !options.imds)
      throw new Error('no AWS credentials: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are unset and IMDS is off');
    if (cached && cached.expiresAt - now() > REFRESH_BEFORE_EXPIRY_MS) return cached.credentials;
    fetching ??= fromInstanceRole(options.imds).finally(() => (fetching = undefined));
    try {
      cached = await fetching;
    } catch (error) {
      // Still valid credentials outlive a metadata service that hiccups while refreshing them.
      if (cached && cached.expiresAt > now()) return cached.credentials;
      throw new Error(`no AWS credentials: ${error instanceof Error ? error.message : String(error)}`);
    }
    return cached.credentials;
  };
}

/** The region: AWS_REGION, AWS_DEFAULT_REGION, else the instance's (IMDS placement/region, kept once read). */
export function hostRegion(options: HostAwsOptions): () => Promise<string | undefined> {
  let found: string | undefined;
  return async () => {
    const fromEnv = options.env.AWS_REGION || options.env.AWS_DEFAULT_REGION;
    if (fromEnv) return fromEnv;
    if (found !== undefined || imdsDisabled(options) || !options.imds) return found;
    // A failed read is not kept: the next call asks the metadata service again.
    const read = await openImdsSession(options.imds.endpoint, options.imds.timeoutMs).catch(() => undefined);
    found = read && (await read('placement/region').catch(() => undefined));
    return found;
  };
}
