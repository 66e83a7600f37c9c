import type * as z from 'zod';
import { checkNetworkConfiguration } from '../domain/network-configuration.ts';
import type { networkConfiguration } from '../schemas/traffic-requests.ts';
import type { ControlContext } from './context.ts';
import { findTaskDefinition } from './task-definitions.ts';

export type NetworkConfiguration = z.infer<typeof networkConfiguration>;

/**
 * The networkConfiguration a service's deployments launch their tasks with,
 * checked against the task definition as RunTask checks it. The definition
 * is read only when there is a configuration to check. ECS answers
 * assignPublicIp DISABLED when it was left out, so that is what is kept.
 */
export async function serviceNetwork(
  ctx: ControlContext,
  taskDefinitionArn: string,
  given: NetworkConfiguration | undefined,
): Promise<NetworkConfiguration | undefined> {
  if (given?.awsvpcConfiguration === undefined) return undefined;
  const mode =
    taskDefinitionArn === '' ? undefined : (await findTaskDefinition(ctx, taskDefinitionArn)).value.networkMode;
  const awsvpc = checkNetworkConfiguration(mode, given);
  return awsvpc && { awsvpcConfiguration: { ...awsvpc, assignPublicIp: awsvpc.assignPublicIp ?? 'DISABLED' } };
}
