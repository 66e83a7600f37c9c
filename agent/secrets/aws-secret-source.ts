import type { S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { SecretReference } from '#shared/security/secret-reference.ts';
import { number, safeParse, string, unknown } from '../check/check.ts';
import { object, optional, record } from '../check/compose.ts';
import { failed, type SourceResult } from './secret-result.ts';

type SsmReference = Extract<SecretReference, { kind: 'ssm' }>;
type SecretsManagerReference = Extract<SecretReference, { kind: 'secrets-manager' }>;

/** SSM parameters and Secrets Manager secrets, read with the host's AWS credentials. */
export interface AwsSecretSource {
  parameter(reference: SsmReference): Promise<SourceResult>;
  secretValue(reference: SecretsManagerReference): Promise<SourceResult>;
  /** The text of an S3 object named by its ARN (`arn:aws:s3:::bucket/key`): a task's environment file. */
  objectText(arn: string): Promise<SourceResult>;
}

/**
 * Berth's bound on one environment file. ECS sets none (the file goes to
 * disk); Berth's agent holds it in memory while it creates the container,
 * and the kernel refuses one variable over 128 KiB anyway.
 */
export const MAX_ENVIRONMENT_FILE_BYTES = 256 * 1024;

export interface AwsSecretSourceOptions {
  /** For parameters named without an ARN; default: the SDK's own (AWS_REGION, profile). */
  readonly region?: string;
  /** Endpoint and credentials for emulators; real hosts use the SDK's default chain (instance role). */
  readonly clientConfig?: {
    readonly endpoint?: string;
    readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  };
}

/**
 * The SDK clients are loaded on first use, one per region: an agent whose
 * tasks name no AWS secret never loads them (they cost memory at start).
 */
export function awsSecretSource(options: AwsSecretSourceOptions = {}): AwsSecretSource {
  const ssm = new Map<string, Promise<SSMClient>>();
  const secretsManager = new Map<string, Promise<SecretsManagerClient>>();
  const s3 = new Map<string, Promise<S3Client>>();
  const config = (region: string | undefined) => ({
    ...(options.clientConfig?.endpoint !== undefined && { endpoint: options.clientConfig.endpoint }),
    ...(options.clientConfig?.credentials !== undefined && { credentials: { ...options.clientConfig.credentials } }),
    ...(region !== undefined && { region }),
    maxAttempts: 2,
  });
  const clientFor = <C>(
    cache: Map<string, Promise<C>>,
    region: string | undefined,
    make: () => Promise<C>,
  ): Promise<C> => {
    const key = region ?? '';
    let client = cache.get(key);
    if (!client) {
      client = make();
      cache.set(key, client);
    }
    return client;
  };

  return {
    async parameter(reference) {
      const what = `SSM parameter ${reference.parameter}`;
      const region = reference.region ?? options.region;
      try {
        const sdk = await import('@aws-sdk/client-ssm');
        const client = await clientFor(ssm, region, async () => new sdk.SSMClient(config(region)));
        const answer = await client.send(
          new sdk.GetParameterCommand({ Name: reference.parameter, WithDecryption: true }),
        );
        const value = answer.Parameter?.Value;
        return value === undefined ? failed('rejected', `${what} has no value`) : { ok: true, value };
      } catch (error) {
        return sdkFailure(what, error);
      }
    },

    async secretValue(reference) {
      const what = `Secrets Manager secret ${reference.secretId}`;
      try {
        const sdk = await import('@aws-sdk/client-secrets-manager');
        const client = await clientFor(
          secretsManager,
          reference.region,
          async () => new sdk.SecretsManagerClient(config(reference.region)),
        );
        const answer = await client.send(
          new sdk.GetSecretValueCommand({
            SecretId: reference.secretId,
            ...(reference.versionStage !== undefined && { VersionStage: reference.versionStage }),
            ...(reference.versionId !== undefined && { VersionId: reference.versionId }),
          }),
        );
        const text = answer.SecretString;
        if (text === undefined)
          return failed('rejected', `${what} holds no string (binary secrets cannot be environment variables)`);
        return reference.jsonKey === undefined ? { ok: true, value: text } : jsonKey(text, reference.jsonKey, what);
      } catch (error) {
        return sdkFailure(what, error);
      }
    },

    async objectText(arn) {
      const what = `environment file ${arn}`;
      const match = /^arn:aws[a-z-]*:s3:::([^/]+)\/(.+)$/.exec(arn);
      if (!match) return failed('rejected', `${what} is not an S3 object ARN (arn:aws:s3:::bucket/key)`);
      try {
        const sdk = await import('@aws-sdk/client-s3');
        const client = await clientFor(s3, options.region, async () => {
          // Emulators serve buckets by path, not as host names.
          const made = config(options.region);
          return new sdk.S3Client({ ...made, forcePathStyle: made.endpoint !== undefined });
        });
        const answer = await client.send(new sdk.GetObjectCommand({ Bucket: match[1], Key: match[2] }));
        if ((answer.ContentLength ?? 0) > MAX_ENVIRONMENT_FILE_BYTES) {
          answer.Body?.transformToWebStream()
            .cancel()
            .catch(() => {});
          return failed('rejected', `${what} is larger than ${MAX_ENVIRONMENT_FILE_BYTES / 1024} KiB`);
        }
        const text = (await answer.Body?.transformToString('utf8')) ?? '';
        if (Buffer.byteLength(text) > MAX_ENVIRONMENT_FILE_BYTES)
          return failed('rejected', `${what} is larger than ${MAX_ENVIRONMENT_FILE_BYTES / 1024} KiB`);
        return { ok: true, value: text };
      } catch (error) {
        return sdkFailure(what, error);
      }
    },
  };
}

const jsonObject = record(unknown());

/** One key of a JSON secret; the message never quotes the secret. */
function jsonKey(text: string, key: string, what: string): SourceResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return failed('rejected', `${what} is not JSON, so it has no key '${key}'`);
  }
  const object = safeParse(jsonObject, json);
  const value = object.success ? object.data[key] : undefined;
  if (typeof value === 'string') return { ok: true, value };
  if (typeof value === 'number' || typeof value === 'boolean') return { ok: true, value: String(value) };
  return failed('rejected', `${what} has no string key '${key}'`);
}

const sdkError = object({ name: string(), $metadata: optional(object({ httpStatusCode: optional(number()) })) });
const TRANSIENT = new Set([
  'ThrottlingException',
  'TooManyUpdates',
  'InternalServerError',
  'InternalServiceError',
  'TimeoutError',
  'RequestTimeout',
]);

/** Throttling, 5xx and network errors are worth retrying; a missing secret or a denied read is not. */
function sdkFailure(what: string, error: unknown): SourceResult {
  const parsed = safeParse(sdkError, error);
  const status = parsed.success ? parsed.data.$metadata?.httpStatusCode : undefined;
  const name = parsed.success ? parsed.data.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  const transient =
    TRANSIENT.has(name) || (status !== undefined && status >= 500) || (status === undefined && isNetworkError(message));
  return failed(transient ? 'unavailable' : 'rejected', `${what} could not be read: ${name}: ${message}`);
}

function isNetworkError(message: string): boolean {
  return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|socket hang up/.test(message);
}

/** The region of an EC2 availability zone (`us-east-1a`, `us-west-2-lax-1a`): the SDK does not ask IMDS for it. */
export function regionOfZone(zone: string): string | undefined {
  return /^([a-z]{2}(?:-[a-z]+)+-\d+)/.exec(zone)?.[1];
}
