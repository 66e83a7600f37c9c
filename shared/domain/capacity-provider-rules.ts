import { ClientError, InvalidParameterError } from './errors.ts';
import type { Tag } from '../schemas/common.ts';

/** ECS keeps these prefixes for its own providers (FARGATE, ...). */
const RESERVED_PREFIXES = ['aws', 'ecs', 'fargate'];
const NAME = /^[a-zA-Z0-9_-]{1,255}$/;

export function checkProviderName(name: string): void {
  if (!NAME.test(name) || RESERVED_PREFIXES.some((p) => name.toLowerCase().startsWith(p))) {
    throw new ClientError(
      `The specified capacity provider name is invalid. Up to 255 characters are allowed, including letters (upper and lowercase), numbers, underscores, and hyphens. The name cannot be prefixed with "aws", "ecs", or "fargate". Specify a valid name and try again.`,
      { name },
    );
  }
}

const LAUNCH_TEMPLATE_ARN = /^arn:[^:]+:ec2:[^:]*:[^:]*:launch-template\/(lt-[0-9a-zA-Z]+)$/;

/** The launch template id named by `autoScalingGroupArn` (docs/decisions.md, Capacity providers). */
export function launchTemplateIdOf(arn: string): string {
  const match = LAUNCH_TEMPLATE_ARN.exec(arn);
  if (!match?.[1]) {
    throw new InvalidParameterError(
      `autoScalingGroupProvider.autoScalingGroupArn must be an EC2 launch template ARN (arn:aws:ec2:<region>:<account>:launch-template/lt-...): ${arn}`,
      { autoScalingGroupArn: arn },
    );
  }
  return match[1];
}

/** Berth's fleet bounds ride on reserved tags, the one free-form member of ECS's shape. */
export const MIN_INSTANCES_TAG = 'berth:min-instances';
export const MAX_INSTANCES_TAG = 'berth:max-instances';
export const SCALE_IN_TAG = 'berth:scale-in-after-seconds';
const DEFAULT_MAX_INSTANCES = 10;

export function fleetBounds(tags: readonly Tag[]): {
  minInstances: number;
  maxInstances: number;
  scaleInAfterSeconds: number;
} {
  const minInstances = boundTag(tags, MIN_INSTANCES_TAG) ?? 0;
  const maxInstances = boundTag(tags, MAX_INSTANCES_TAG) ?? Math.max(DEFAULT_MAX_INSTANCES, minInstances);
  if (minInstances > maxInstances) {
    throw new InvalidParameterError(
      `tags: ${MIN_INSTANCES_TAG} (${minInstances}) must not exceed ${MAX_INSTANCES_TAG} (${maxInstances})`,
      { tags: MIN_INSTANCES_TAG },
    );
  }
  return { minInstances, maxInstances, scaleInAfterSeconds: boundTag(tags, SCALE_IN_TAG) ?? 900 };
}

function boundTag(tags: readonly Tag[], key: string): number | undefined {
  const value = tags.find((t) => t.key === key)?.value;
  if (value === undefined) return undefined;
  if (!/^\d{1,5}$/.test(value)) {
    throw new InvalidParameterError(
      `tags: ${key} must be a whole number from 0 to 99999, not ${JSON.stringify(value)}`,
      {
        tags: key,
      },
    );
  }
  return Number(value);
}
