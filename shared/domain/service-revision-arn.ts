import { arnPrefix, ownArnResource, type Deployment } from './arn.ts';
import { InvalidParameterError } from './errors.ts';

/**
 * A service revision is the configuration one service deployment rolls out,
 * so in Berth each deployment `ecs-svc/<digits>` has exactly one revision,
 * `.../service-revision/<cluster>/<service>/<digits>`, with the same digits.
 */
export function serviceRevisionArn(d: Deployment, cluster: string, service: string, deploymentId: string): string {
  return `${arnPrefix(d)}:service-revision/${cluster}/${service}/${deploymentId.replace('ecs-svc/', '')}`;
}

/** The service and deployment a revision ARN names; InvalidParameterException for anything else. */
export function serviceRevisionRef(d: Deployment, value: string): { cluster: string; service: string; id: string } {
  const resource = ownArnResource(d, value, 'serviceRevisionArns');
  const match =
    resource === undefined
      ? null
      : /^service-revision\/([a-zA-Z0-9_-]{1,255})\/([a-zA-Z0-9_-]{1,255})\/(\d+)$/.exec(resource);
  if (!match) {
    throw new InvalidParameterError(`Invalid service revision ARN: ${value}`, { serviceRevisionArns: value });
  }
  return { cluster: match[1] as string, service: match[2] as string, id: `ecs-svc/${match[3]}` };
}
