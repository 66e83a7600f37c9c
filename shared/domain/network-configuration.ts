import { InvalidParameterError } from './errors.ts';
import type { AwsvpcConfiguration } from '../schemas/task.ts';

type NetworkMode = 'bridge' | 'host' | 'none' | 'awsvpc';

/** ECS's words when a network configuration comes with a task definition that is not awsvpc. */
export const NOT_AWSVPC_MESSAGE =
  'Network Configuration is not valid for the given networkMode of this task definition.';

/**
 * Checks a RunTask, StartTask or service `networkConfiguration` against the
 * task definition's network mode and answers the configuration to record.
 * ECS requires one for awsvpc; off AWS there is no VPC to pick subnets
 * from, so Berth makes it optional and records subnets and security groups
 * only to echo them back. A public address needs an internet gateway Berth
 * hosts do not have, so ENABLED is refused as ECS refuses it for EC2 tasks.
 */
export function checkNetworkConfiguration(
  mode: NetworkMode | undefined,
  configuration: { awsvpcConfiguration?: AwsvpcConfiguration } | undefined,
): AwsvpcConfiguration | undefined {
  const awsvpc = configuration?.awsvpcConfiguration;
  if (awsvpc === undefined) return undefined;
  if ((mode ?? 'bridge') !== 'awsvpc') throw new InvalidParameterError(NOT_AWSVPC_MESSAGE);
  if (awsvpc.subnets.length === 0) throw new InvalidParameterError('subnets can not be empty.');
  if (awsvpc.assignPublicIp === 'ENABLED') {
    throw new InvalidParameterError('Assign public IP is not supported for this launch type.');
  }
  return awsvpc;
}
