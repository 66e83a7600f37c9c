import type { Ec2Fleet } from '#shared/ports/ec2-fleet.ts';
import { clientOptionsFromEnvironment } from '../adapters/aws-environment.ts';
import type { ControlContext } from '#shared/control/context.ts';
import { createEc2QueryClient } from '../adapters/ec2-query-client.ts';
import { hostBootstrapConfig, withHostBootstrap } from '../monitor/host-bootstrap.ts';

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

/**
 * With BERTH_AGENT_RELEASE_URL set, the hosts dev mode launches install the
 * agent and join by themselves, reaching dev mode at BERTH_AGENT_ENDPOINT or
 * at its own address (`endpoint`, known once it listens).
 */
export function withDevHostBootstrap(
  ctx: ControlContext,
  env: Readonly<Record<string, string | undefined>>,
  endpoint: () => string,
): ControlContext {
  const config = ctx.ec2 && hostBootstrapConfig(env, ctx.deployment.region, endpoint);
  if (!ctx.ec2 || !config) return ctx;
  return { ...ctx, ec2: withHostBootstrap(ctx.ec2, { store: ctx.store, clock: ctx.clock, config }) };
}
