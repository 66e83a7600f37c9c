import { ECSClient } from '@aws-sdk/client-ecs';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';
import { describeCallError, ProvisionerError } from './errors.ts';
import type { ResourceProperties } from './properties.ts';

const berthKey = z.object({ accessKeyId: z.string().min(1), secretAccessKey: z.string().min(1) });

/** The unmodified ECS SDK pointed at one Berth, and a way to call it that explains failures. */
export interface Berth {
  readonly ecs: ECSClient;
  /** Sends one ECS call; any failure becomes a ProvisionerError naming the call and the cause. */
  call<T>(name: string, send: (ecs: ECSClient) => Promise<T>): Promise<T>;
}

/** Signs with the Berth key read from the resource's secret. */
export async function berthClient(
  secretsManager: SecretsManagerClient,
  properties: ResourceProperties,
  defaultRegion: string,
): Promise<Berth> {
  const credentials = await readKey(secretsManager, properties.CredentialsSecretArn);
  const ecs = new ECSClient({
    endpoint: properties.Endpoint,
    region: properties.Region ?? defaultRegion,
    credentials,
    maxAttempts: 3,
    // An unreachable endpoint fails the event within seconds, not at the Lambda's timeout.
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000 },
  });
  return {
    ecs,
    async call(name, send) {
      try {
        return await send(ecs);
      } catch (error) {
        throw describeCallError(name, properties.Endpoint, error);
      }
    },
  };
}

async function readKey(secretsManager: SecretsManagerClient, secretId: string): Promise<z.infer<typeof berthKey>> {
  let text: string | undefined;
  try {
    text = (await secretsManager.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
  } catch (error) {
    const name = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new ProvisionerError(`Could not read the Berth key from secret ${secretId}: ${name}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text ?? '');
  } catch {
    json = undefined;
  }
  const parsed = berthKey.safeParse(json);
  if (!parsed.success) {
    throw new ProvisionerError(
      `Secret ${secretId} must hold a JSON object with the Berth key's accessKeyId and secretAccessKey`,
    );
  }
  return parsed.data;
}
