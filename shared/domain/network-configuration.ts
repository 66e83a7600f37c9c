import { InvalidParameterError } from './errors.ts';
import type { AwsvpcConfiguration } from '../schemas/task.ts';

/**
 * Checks a RunTask, StartTask or service `networkConfiguration` against the
 * task definition's network mode and answers the configuration to record.
 * ECS requires one for awsvpc; off AWS there is no VPC to pick subnets
 * from, so Berth makes it optional and records subnets and security groups
 * only to echo them back. A public address needs an internet gateway Berth
 * hosts do not have, so ENABLED is refused as ECS refuses it for EC2 tasks.
 * The messages are ECS's.
 */
export function checkNetworkConfiguration(
  mode: string | undefined,
  configuration: { awsvpcConfiguration?: AwsvpcConfiguration } | undefined,
): AwsvpcConfiguration | undefined {
  const awsvpc = configuration?.awsvpcConfiguration;
  const refusal =
    awsvpc === undefined
      ? undefined
      : mode !== 'awsvpc'
        ? 'Network Configuration is not valid for the given networkMode of this task definition.'
        : awsvpc.subnets.length === 0
          ? 'subnets can not be empty.'
          : awsvpc.assignPublicIp === 'ENABLED'
            ? 'Assign public IP is not supported for this launch type.'
            : undefined;
  if (refusal) throw new InvalidParameterError(refusal);
  return awsvpc;
}
