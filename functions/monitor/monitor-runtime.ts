import type { ControlContext } from '#shared/control/context.ts';
import { clientOptionsFromEnvironment } from '../adapters/aws-environment.ts';
import { createEc2QueryClient } from '../adapters/ec2-query-client.ts';
import { awsRuntime, type AwsRuntime } from '../runtime/aws-runtime.ts';
import { hostBootstrapConfig, withHostBootstrap } from './host-bootstrap.ts';

let monitoring: AwsRuntime | undefined;

/**
 * The monitor is the one function that launches and terminates capacity
 * providers' instances, so only its bundle carries the EC2 client:
 * aws-runtime.ts is shared by all three. The client signs with the role's
 * keys and calls the regional endpoint, or AWS_ENDPOINT_URL_EC2 (else
 * AWS_ENDPOINT_URL) where one is set. It is only called when a cluster uses
 * a capacity provider, so a deployment without one makes no EC2 call.
 * With an agent release configured, launched hosts install the agent and
 * join their cluster by themselves (./host-bootstrap.ts).
 */
export function monitorRuntime(): AwsRuntime {
  if (monitoring) return monitoring;
  const runtime = awsRuntime();
  const fleet = createEc2QueryClient(clientOptionsFromEnvironment('EC2', runtime.env.AWS_REGION));
  const config = hostBootstrapConfig(process.env, runtime.env.AWS_REGION);
  const ec2 = config ? withHostBootstrap(fleet, { ...runtime.ctx, config }) : fleet;
  const ctx: ControlContext = { ...runtime.ctx, ec2 };
  monitoring = { ...runtime, ctx };
  return monitoring;
}
