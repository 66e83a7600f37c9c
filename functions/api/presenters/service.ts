import { arns, type Deployment as Arns } from '#shared/domain/arn.ts';
import type { Deployment, Service } from '#shared/schemas/service.ts';
import { compact, seconds } from './time.ts';
import { presentStrategy } from './capacity-strategy.ts';
import { presentTaskSet } from './task-set.ts';

export function presentDeployment(d: Deployment): Record<string, unknown> {
  return compact({
    id: d.id,
    status: d.status,
    taskDefinition: d.taskDefinitionArn,
    desiredCount: d.desiredCount,
    pendingCount: d.pendingCount,
    runningCount: d.runningCount,
    failedTasks: d.failedTasks,
    createdAt: seconds(d.createdAt),
    updatedAt: seconds(d.updatedAt),
    launchType: 'EC2',
    rolloutState: d.rolloutState,
    rolloutStateReason: d.rolloutStateReason,
    networkConfiguration: d.networkConfiguration,
  });
}

export function presentService(a: Arns, s: Service): Record<string, unknown> {
  return compact({
    serviceArn: arns.service(a, s.clusterName, s.serviceName),
    serviceName: s.serviceName,
    clusterArn: arns.cluster(a, s.clusterName),
    status: s.status,
    desiredCount: s.desiredCount,
    runningCount: s.runningCount,
    pendingCount: s.pendingCount,
    // As in ECS, a service on capacity providers names its strategy instead of a launch type.
    launchType: s.capacityProviderStrategy === undefined ? 'EC2' : undefined,
    capacityProviderStrategy: s.capacityProviderStrategy && presentStrategy(s.capacityProviderStrategy),
    // An EXTERNAL service has a task definition only through its PRIMARY task set.
    taskDefinition: s.taskDefinitionArn === '' ? undefined : s.taskDefinitionArn,
    deploymentConfiguration: {
      minimumHealthyPercent: s.minimumHealthyPercent,
      maximumPercent: s.maximumPercent,
      deploymentCircuitBreaker: s.circuitBreaker,
    },
    deployments: s.deployments.filter((d) => d.status !== 'INACTIVE').map(presentDeployment),
    events: s.events.map((e) => ({ id: e.id, createdAt: seconds(e.createdAt), message: e.message })),
    createdAt: seconds(s.createdAt),
    placementConstraints: s.placementConstraints,
    placementStrategy: s.placementStrategy,
    healthCheckGracePeriodSeconds: s.healthCheckGracePeriodSeconds,
    loadBalancers: s.loadBalancers,
    serviceRegistries: s.serviceRegistries ?? [],
    networkConfiguration: s.networkConfiguration,
    schedulingStrategy: s.schedulingStrategy,
    deploymentController: { type: s.deploymentController },
    ...(s.deploymentController === 'EXTERNAL' && { taskSets: s.taskSets.map((t) => presentTaskSet(a, s, t)) }),
    tags: s.tags,
    enableECSManagedTags: s.enableECSManagedTags ?? false,
    propagateTags: s.propagateTags ?? 'NONE',
    enableExecuteCommand: false,
  });
}
