import { InvalidParameterError } from './errors.ts';

/**
 * ECS-form ARNs. Berth answers as one account in one region (the deployment's
 * own), so every ARN it mints is `arn:<partition>:ecs:<region>:<account>:...`.
 */
export interface Deployment {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
}

export const NAME_PATTERN = /^[a-zA-Z0-9_-]{1,255}$/;

export function arnPrefix(d: Deployment): string {
  return `arn:${d.partition}:ecs:${d.region}:${d.accountId}`;
}

export const arns = {
  cluster: (d: Deployment, name: string) => `${arnPrefix(d)}:cluster/${name}`,
  taskDefinition: (d: Deployment, family: string, revision: number) =>
    `${arnPrefix(d)}:task-definition/${family}:${revision}`,
  task: (d: Deployment, cluster: string, id: string) => `${arnPrefix(d)}:task/${cluster}/${id}`,
  containerInstance: (d: Deployment, cluster: string, id: string) =>
    `${arnPrefix(d)}:container-instance/${cluster}/${id}`,
  container: (d: Deployment, cluster: string, taskId: string, containerId: string) =>
    `${arnPrefix(d)}:container/${cluster}/${taskId}/${containerId}`,
  service: (d: Deployment, cluster: string, name: string) => `${arnPrefix(d)}:service/${cluster}/${name}`,
};

const ARN = /^arn:[a-z-]+:ecs:[a-z0-9-]+:\d{12}:(.+)$/;

function resourcePart(value: string): string | undefined {
  return ARN.exec(value)?.[1];
}

/** A cluster given as name or ARN, as every ECS operation accepts it. */
export function clusterName(value: string | undefined): string {
  if (value === undefined || value === '') return 'default';
  const resource = resourcePart(value);
  const name = resource === undefined ? value : resource.replace(/^cluster\//, '');
  if (!NAME_PATTERN.test(name)) {
    throw new InvalidParameterError(`Invalid cluster identifier: ${value}`, { cluster: value });
  }
  return name;
}

/** `family`, `family:revision` or a task definition ARN. */
export function taskDefinitionRef(value: string): { family: string; revision?: number } {
  const resource = resourcePart(value);
  const body = resource === undefined ? value : resource.replace(/^task-definition\//, '');
  const match = /^([a-zA-Z0-9_-]{1,255})(?::(\d+))?$/.exec(body);
  if (!match) {
    throw new InvalidParameterError(`Invalid task definition identifier: ${value}`, { taskDefinition: value });
  }
  const family = match[1] as string;
  return match[2] === undefined ? { family } : { family, revision: Number(match[2]) };
}

/**
 * The id of a task or container instance given as a bare id or an ARN
 * (`.../task/<cluster>/<id>` or the old `.../task/<id>` form). When the ARN
 * names a cluster, it must be the request's cluster.
 */
export function resourceId(value: string, kind: 'task' | 'container-instance', cluster: string): string {
  const resource = resourcePart(value);
  if (resource === undefined) {
    if (/^[a-zA-Z0-9-]{1,64}$/.test(value)) return value;
    throw new InvalidParameterError(`Invalid ${kind} identifier: ${value}`, { [kind]: value });
  }
  const parts = resource.split('/');
  if (parts[0] !== kind || parts.length < 2 || parts.length > 3) {
    throw new InvalidParameterError(`Invalid ${kind} ARN: ${value}`, { [kind]: value });
  }
  if (parts.length === 3 && parts[1] !== cluster) {
    throw new InvalidParameterError(`The ${kind} ${value} does not belong to cluster ${cluster}`, {
      [kind]: value,
    });
  }
  return parts[parts.length - 1] as string;
}
