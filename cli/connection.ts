import * as z from 'zod';

/**
 * Where the CLI sends its calls and with which key, from flags first, then
 * the environment the AWS CLI reads (so one `export` serves both tools).
 * Passing the secret as a flag works but leaves it in shell history; prefer
 * AWS_SECRET_ACCESS_KEY.
 */
export interface Connection {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

export interface ConnectionFlags {
  readonly endpoint?: string;
  readonly region?: string;
  readonly accessKeyId?: string;
  readonly secretAccessKey?: string;
}

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:7466';

export const CONNECTION_USAGE = `  --endpoint-url URL        Berth's endpoint (BERTH_ENDPOINT, AWS_ENDPOINT_URL_ECS, AWS_ENDPOINT_URL; default ${DEFAULT_ENDPOINT})
  --region REGION           the deployment's region (AWS_REGION, AWS_DEFAULT_REGION; default us-east-1)
  --access-key-id ID        (AWS_ACCESS_KEY_ID)
  --secret-access-key KEY   (AWS_SECRET_ACCESS_KEY; prefer the variable: flags end up in shell history)`;

const url = z.url({ protocol: /^https?$/ });

export function resolveConnection(flags: ConnectionFlags, env: NodeJS.ProcessEnv): Connection | { error: string } {
  const endpoint =
    flags.endpoint ?? env.BERTH_ENDPOINT ?? env.AWS_ENDPOINT_URL_ECS ?? env.AWS_ENDPOINT_URL ?? DEFAULT_ENDPOINT;
  if (!url.safeParse(endpoint).success)
    return { error: `the endpoint ${JSON.stringify(endpoint)} is not an http(s) URL` };
  const region = flags.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const accessKeyId = flags.accessKeyId ?? env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = flags.secretAccessKey ?? env.AWS_SECRET_ACCESS_KEY;
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    return { error: 'give both an access key id and its secret access key' };
  }
  return {
    endpoint: endpoint.replace(/\/+$/, ''),
    region,
    ...(accessKeyId !== undefined &&
      secretAccessKey !== undefined && { credentials: { accessKeyId, secretAccessKey } }),
  };
}
