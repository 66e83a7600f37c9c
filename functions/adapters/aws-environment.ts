import * as z from 'zod';
import type { AwsJsonClientOptions } from './aws-json-client.ts';

/**
 * Where and as whom a lean client calls AWS, from the environment Lambda
 * gives a function: the execution role's keys and session token, the region,
 * and the endpoint overrides the SDK honours (AWS_ENDPOINT_URL_<SERVICE>
 * before AWS_ENDPOINT_URL, both ignored when
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true), which is how tests and dev
 * setups point the functions at an emulator.
 */
const lambdaEnvironmentSchema = z.object({
  AWS_ACCESS_KEY_ID: z.string({ error: 'AWS_ACCESS_KEY_ID is required' }).min(1, 'AWS_ACCESS_KEY_ID is required'),
  AWS_SECRET_ACCESS_KEY: z
    .string({ error: 'AWS_SECRET_ACCESS_KEY is required' })
    .min(1, 'AWS_SECRET_ACCESS_KEY is required'),
  AWS_SESSION_TOKEN: z.string().min(1).optional(),
});

/** The SDK's environment name of a service's endpoint: its service id, upper case, spaces as underscores. */
export type EndpointServiceId = 'DYNAMODB' | 'SQS' | 'KMS' | 'EC2';

export function endpointFromEnvironment(
  serviceId: EndpointServiceId,
  region: string,
  env: Readonly<Record<string, string | undefined>>,
): string {
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() !== 'true') {
    const configured = env[`AWS_ENDPOINT_URL_${serviceId}`] ?? env.AWS_ENDPOINT_URL;
    if (configured !== undefined && configured !== '') return configured;
  }
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://${serviceId.toLowerCase()}.${region}.${suffix}`;
}

export function clientOptionsFromEnvironment(
  serviceId: EndpointServiceId,
  region: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): AwsJsonClientOptions {
  const parsed = lambdaEnvironmentSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Invalid configuration: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
  }
  const keys = parsed.data;
  return {
    endpoint: endpointFromEnvironment(serviceId, region, env),
    region,
    credentials: {
      accessKeyId: keys.AWS_ACCESS_KEY_ID,
      secretAccessKey: keys.AWS_SECRET_ACCESS_KEY,
      ...(keys.AWS_SESSION_TOKEN !== undefined && { sessionToken: keys.AWS_SESSION_TOKEN }),
    },
  };
}
