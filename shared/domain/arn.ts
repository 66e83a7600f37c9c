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
  capacityProvider: (d: Deployment, name: string) => `${arnPrefix(d)}:capacity-provider/${name}`,
};

const ARN = /^arn:([^:]*):ecs:([^:]*):([^:]*):(.+)$/s;

/**
 * The one reader of ECS ARNs, for the operations and the authoriser alike:
 * a value that is not an ARN is undefined (a name or id); an ARN is this
 * deployment's or refused. An ARN of another partition, region or account
 * names nothing Berth holds, and reading it as if it were local would let a
 * request act on a resource that its policy saw under another name.
 */
export function ownArnResource(d: Deployment, value: string, member: string): string | undefined {
  if (!value.startsWith('arn:')) return undefined;
  const match = ARN.exec(value);
  if (!match) throw new InvalidParameterError(`Invalid ${member}: ${value} is not an ECS ARN`, { [member]: value });
  const [, partition, region, account, resource] = match as unknown as [string, string, string, string, string];
  if (partition !== d.partition || region !== d.region || account !== d.accountId) {
    throw new InvalidParameterError(
      `Invalid ${member}: ${value} is not in this deployment (partition ${d.partition}, region ${d.region}, account ${d.accountId})`,
      { [member]: value },
    );
  }
  return resource;
}

/** A cluster given as name or ARN, as every ECS operation accepts it. */
export function clusterName(d: Deployment, value: string | undefined): string {
  if (value === undefined || value === '') return 'default';
  const resource = ownArnResource(d, value, 'cluster');
  const name = resource === undefined ? value : resource.replace(/^cluster\//, '');
  if (!NAME_PATTERN.test(name)) {
    throw new InvalidParameterError(`Invalid cluster identifier: ${value}`, { cluster: value });
  }
  return name;
}

/** `family`, `family:revision` or a task definition ARN. */
export function taskDefinitionRef(d: Deployment, value: string): { family: string; revision?: number } {
  const resource = ownArnResource(d, value, 'taskDefinition');
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
export function resourceId(d: Deployment, value: string, kind: 'task' | 'container-instance', cluster: string): string {
  const resource = ownArnResource(d, value, kind);
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

/** A service given as its name or an ARN (`.../service/<cluster>/<name>` or the old `.../service/<name>`). */
export function serviceName(d: Deployment, value: string, cluster: string): string {
  const resource = ownArnResource(d, value, 'service');
  if (resource === undefined) {
    if (NAME_PATTERN.test(value)) return value;
    throw new InvalidParameterError(`Invalid service identifier: ${value}`, { service: value });
  }
  const match = /^service\/(?:([^/]+)\/)?([a-zA-Z0-9_-]{1,255})$/.exec(resource);
  if (!match) throw new InvalidParameterError(`Invalid service ARN: ${value}`, { service: value });
  if (match[1] !== undefined && match[1] !== cluster) {
    throw new InvalidParameterError(`The service ${value} does not belong to cluster ${cluster}`, { service: value });
  }
  return match[2] as string;
}

/** `.../service-deployment/<cluster>/<service>/<digits>`, for deployment `ecs-svc/<digits>`. */
export function serviceDeploymentRef(d: Deployment, value: string): { cluster: string; service: string; id: string } {
  const resource = ownArnResource(d, value, 'serviceDeploymentArn');
  const match =
    resource === undefined
      ? null
      : /^service-deployment\/([a-zA-Z0-9_-]{1,255})\/([a-zA-Z0-9_-]{1,255})\/(\d+)$/.exec(resource);
  if (!match)
    throw new InvalidParameterError(`Invalid service deployment ARN: ${value}`, { serviceDeploymentArn: value });
  return { cluster: match[1] as string, service: match[2] as string, id: `ecs-svc/${match[3]}` };
}
