import type { Ec2Fleet } from '#shared/ports/ec2-fleet.ts';
import { clientOptionsFromEnvironment } from '../adapters/aws-environment.ts';
import { createEc2QueryClient } from '../adapters/ec2-query-client.ts';

/**
 * Dev mode has no AWS account of its own: capacity providers launch
 * instances only where `AWS_ENDPOINT_URL_EC2` names an EC2 endpoint (moto
 * in tests, or a real region), with the keys of the environment.
 */
export function devEc2(env: Readonly<Record<string, string | undefined>>, region: string): Ec2Fleet | undefined {
  const endpoint = env.AWS_ENDPOINT_URL_EC2;
  if (endpoint === undefined || endpoint === '') return undefined;
  return createEc2QueryClient(clientOptionsFromEnvironment('EC2', region, env));
}

export function optionalEc2(ec2: Ec2Fleet | undefined): { ec2?: Ec2Fleet } {
  return ec2 === undefined ? {} : { ec2 };
}
