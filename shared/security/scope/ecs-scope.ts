import {
  arnPrefix,
  arns,
  clusterName,
  ownArnResource,
  resourceId,
  serviceDeploymentRef,
  serviceName,
  taskDefinitionRef,
  type Deployment,
} from '#shared/domain/arn.ts';
import { anyResource, Fields, type RequestScope, type ScopedResource } from './scope.ts';

/**
 * The resources each ECS operation acts on. Cluster-wide operations act on
 * the cluster's ARN (RunTask included: a policy limited to one cluster names
 * that cluster), operations on tasks, instances and services on theirs, and
 * every resource in a cluster carries the `ecs:cluster` condition key (the
 * cluster's ARN). Identifiers are resolved as the operations resolve them,
 * so a name and an ARN of the same cluster are the same resource. One that
 * cannot be read is matched as given: only `*` matches it, and the operation
 * refuses it afterwards.
 */
type Resolver = (d: Deployment, f: Fields) => ScopedResource[];

function attempt<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

export function clusterResource(d: Deployment, ref: string | undefined): ScopedResource {
  const name = attempt(() => clusterName(d, ref));
  if (name === undefined) return { arn: ref ?? '', keys: {} };
  const arn = arns.cluster(d, name);
  return { arn, keys: { 'ecs:cluster': [arn] }, tags: { kind: 'cluster', cluster: name } };
}

function inCluster(d: Deployment, f: Fields): { name?: string; keys: Record<string, string[]> } {
  const name = attempt(() => clusterName(d, f.string('cluster')));
  return name === undefined ? { keys: {} } : { name, keys: { 'ecs:cluster': [arns.cluster(d, name)] } };
}

const cluster: Resolver = (d, f) => [clusterResource(d, f.string('cluster'))];

/**
 * The task definition a run or a deployment uses, as ECS authorises RunTask
 * and StartTask: on the task definition's ARN, with `ecs:cluster`. Berth
 * keeps the cluster (or service) as a resource beside it, so policies that
 * name clusters keep their meaning: both must be allowed, and a Deny on
 * either refuses. Without a revision the resource is `family:*` here; the
 * guard resolves it to the revision that would run before deciding.
 */
const withTaskDefinition =
  (first: Resolver, required: boolean): Resolver =>
  (d, f) => {
    const ref = f.string('taskDefinition');
    if (ref === undefined && !required) return first(d, f);
    const { keys } = inCluster(d, f);
    return [...first(d, f), { ...taskDefinitionResource(d, ref ?? ''), keys }];
  };

const tasks =
  (field: string): Resolver =>
  (d, f) => {
    const { name, keys } = inCluster(d, f);
    return (f.strings(field) ?? [f.string(field) ?? '']).map((ref) => {
      const id = name === undefined ? undefined : attempt(() => resourceId(d, ref, 'task', name));
      return name === undefined || id === undefined
        ? { arn: ref, keys }
        : { arn: arns.task(d, name, id), keys, tags: { kind: 'task', cluster: name, taskId: id } };
    });
  };

const containerInstances =
  (field: string): Resolver =>
  (d, f) => {
    const { name, keys } = inCluster(d, f);
    return (f.strings(field) ?? [f.string(field) ?? '']).map((ref) => {
      const id = name === undefined ? undefined : attempt(() => resourceId(d, ref, 'container-instance', name));
      return name === undefined || id === undefined
        ? { arn: ref, keys }
        : {
            arn: arns.containerInstance(d, name, id),
            keys,
            tags: { kind: 'container-instance', cluster: name, instanceId: id },
          };
    });
  };

const services =
  (field: string): Resolver =>
  (d, f) => {
    const { name, keys } = inCluster(d, f);
    return (f.strings(field) ?? [f.string(field) ?? '']).map((ref) => {
      const service = name === undefined ? undefined : attempt(() => serviceName(d, ref, name));
      return name === undefined || service === undefined
        ? { arn: ref, keys }
        : { arn: arns.service(d, name, service), keys, tags: { kind: 'service', cluster: name, service } };
    });
  };

export function taskDefinitionResource(d: Deployment, ref: string): ScopedResource {
  const parsed = attempt(() => taskDefinitionRef(d, ref));
  if (parsed === undefined) return { arn: ref, keys: {} };
  // Without a revision, the resource is any revision of the family.
  const arn =
    parsed.revision === undefined
      ? `${arnPrefix(d)}:task-definition/${parsed.family}:*`
      : arns.taskDefinition(d, parsed.family, parsed.revision);
  return {
    arn,
    keys: {},
    tags: {
      kind: 'task-definition',
      family: parsed.family,
      ...(parsed.revision !== undefined && { revision: parsed.revision }),
    },
  };
}

const taskDefinition =
  (field: string): Resolver =>
  (d, f) =>
    (f.strings(field) ?? [f.string(field) ?? '']).map((ref) => taskDefinitionResource(d, ref));

/**
 * An ARN as given (tagging operations, service deployments), read by the
 * same parser the operations use: what it names when it is this
 * deployment's, else the ARN as given (only `*` matches it, and the
 * operation refuses it).
 */
export function arnResource(d: Deployment, arn: string): ScopedResource {
  const [kind, ...rest] = (attempt(() => ownArnResource(d, arn, 'resourceArn')) ?? '').split('/');
  const asGiven: ScopedResource = { arn, keys: {} };
  const clusterOf = (name: string): Record<string, string[]> => ({ 'ecs:cluster': [arns.cluster(d, name)] });
  switch (kind) {
    case 'cluster':
      return clusterResource(d, arn);
    case 'task-definition':
      return { ...taskDefinitionResource(d, arn), arn };
    case 'task': {
      const [cluster] = rest;
      const id = rest.length === 2 && cluster ? attempt(() => resourceId(d, arn, 'task', cluster)) : undefined;
      return cluster && id ? { arn, keys: clusterOf(cluster), tags: { kind: 'task', cluster, taskId: id } } : asGiven;
    }
    case 'service': {
      const [cluster] = rest;
      const service = rest.length === 2 && cluster ? attempt(() => serviceName(d, arn, cluster)) : undefined;
      return cluster && service
        ? { arn, keys: clusterOf(cluster), tags: { kind: 'service', cluster, service } }
        : asGiven;
    }
    case 'container-instance': {
      const [cluster] = rest;
      const id =
        rest.length === 2 && cluster ? attempt(() => resourceId(d, arn, 'container-instance', cluster)) : undefined;
      return cluster && id
        ? { arn, keys: clusterOf(cluster), tags: { kind: 'container-instance', cluster, instanceId: id } }
        : asGiven;
    }
    case 'service-deployment': {
      const parsed = attempt(() => serviceDeploymentRef(d, arn));
      return parsed ? { arn, keys: clusterOf(parsed.cluster) } : asGiven;
    }
    default:
      return asGiven;
  }
}

const givenArns =
  (field: string): Resolver =>
  (d, f) =>
    (f.strings(field) ?? [f.string(field) ?? '']).map((arn) => arnResource(d, arn));

const anything: Resolver = () => [anyResource];

const resolvers: Record<string, Resolver> = {
  CreateCluster: (d, f) => [clusterResource(d, f.string('clusterName'))],
  DeleteCluster: cluster,
  UpdateCluster: cluster,
  UpdateClusterSettings: cluster,
  PutClusterCapacityProviders: cluster,
  DescribeClusters: (d, f) => (f.strings('clusters') ?? ['default']).map((ref) => clusterResource(d, ref)),
  ListClusters: anything,

  RegisterTaskDefinition: (d, f) => [taskDefinitionResource(d, f.string('family') ?? '')],
  DescribeTaskDefinition: taskDefinition('taskDefinition'),
  DeregisterTaskDefinition: taskDefinition('taskDefinition'),
  DeleteTaskDefinitions: taskDefinition('taskDefinitions'),
  ListTaskDefinitions: anything,
  ListTaskDefinitionFamilies: anything,

  RunTask: withTaskDefinition(cluster, true),
  StartTask: withTaskDefinition(cluster, true),
  ExplainPlacement: cluster,
  ListTasks: cluster,
  StopTask: tasks('task'),
  DescribeTasks: tasks('tasks'),
  GetTaskProtection: tasks('tasks'),
  UpdateTaskProtection: tasks('tasks'),
  ExecuteCommand: tasks('task'),

  ListContainerInstances: cluster,
  RegisterContainerInstance: cluster,
  DeregisterContainerInstance: cluster,
  DescribeContainerInstances: containerInstances('containerInstances'),
  UpdateContainerInstancesState: containerInstances('containerInstances'),
  UpdateContainerAgent: containerInstances('containerInstance'),
  PutAttributes: cluster,
  DeleteAttributes: cluster,
  ListAttributes: cluster,

  CreateService: withTaskDefinition(services('serviceName'), false),
  UpdateService: withTaskDefinition(services('service'), false),
  DeleteService: services('service'),
  DescribeServices: services('services'),
  ListServiceDeployments: services('service'),
  ListServices: cluster,
  DescribeServiceDeployments: givenArns('serviceDeploymentArns'),
  StopServiceDeployment: givenArns('serviceDeploymentArn'),
  ContinueServiceDeployment: givenArns('serviceDeploymentArn'),
  DescribeServiceRevisions: givenArns('serviceRevisionArns'),
  // Task sets act on their service; creating one runs a task definition, as CreateService does.
  CreateTaskSet: withTaskDefinition(services('service'), true),
  UpdateTaskSet: services('service'),
  DeleteTaskSet: services('service'),
  DescribeTaskSets: services('service'),
  UpdateServicePrimaryTaskSet: services('service'),

  TagResource: givenArns('resourceArn'),
  UntagResource: givenArns('resourceArn'),
  ListTagsForResource: givenArns('resourceArn'),
};

/** Operations that name the task definition they would run, for `ecs:task-definition`. */
const namesTaskDefinition = new Set([
  'RunTask',
  'StartTask',
  'ExplainPlacement',
  'CreateService',
  'UpdateService',
  'CreateTaskSet',
]);

/**
 * The scope of an ECS operation. One Berth does not know yet acts on its
 * cluster when it names one and on `*` otherwise, so a policy limited to
 * some clusters never allows it by accident.
 */
export function ecsScope(d: Deployment, operation: string, input: unknown): RequestScope {
  const fields = new Fields(input);
  const resolve = Object.hasOwn(resolvers, operation) ? resolvers[operation] : undefined;
  const resources = resolve
    ? resolve(d, fields)
    : fields.string('cluster') !== undefined
      ? cluster(d, fields)
      : [anyResource];
  const keys: Record<string, readonly string[]> = fields.requestTagKeys();
  const definition = fields.string('taskDefinition');
  if (namesTaskDefinition.has(operation) && definition !== undefined) {
    keys['ecs:task-definition'] = [taskDefinitionResource(d, definition).arn];
  }
  return { action: `ecs:${operation}`, resources: resources.length > 0 ? resources : [anyResource], keys };
}
