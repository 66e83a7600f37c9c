import { arns, type Deployment as BerthDeployment } from '#shared/domain/arn.ts';
import { serviceRevisionArn } from '#shared/domain/service-revision-arn.ts';
import type { ServiceRevision } from '#shared/control/service-revisions.ts';
import type { Deployment, Service } from '#shared/schemas/service.ts';
import { compact, seconds } from './time.ts';

/** ECS's ServiceRevisionSummary: a deployment's revision with that deployment's task counts. */
export function presentRevisionSummary(d: BerthDeployment, s: Service, deployment: Deployment) {
  return {
    arn: serviceRevisionArn(d, s.clusterName, s.serviceName, deployment.id),
    requestedTaskCount: deployment.desiredCount,
    runningTaskCount: deployment.runningCount,
    pendingTaskCount: deployment.pendingCount,
  };
}

/** The source revisions of a deployment: those of the deployments running when it started that Berth still holds. */
export function presentSourceRevisions(d: BerthDeployment, s: Service, deployment: Deployment) {
  const known = new Map([...s.deployments, ...s.history].map((x) => [x.id, x]));
  return deployment.sourceIds.flatMap((id) => {
    const source = known.get(id);
    return source ? [presentRevisionSummary(d, s, source)] : [];
  });
}

/**
 * ECS's ServiceRevision. Load balancers are the service's current ones (the
 * api bundle has no room to keep them per deployment); Berth has no service
 * registries yet, so that list is empty; images are the task definition's as registered.
 */
export function presentServiceRevision(d: BerthDeployment, revision: ServiceRevision): Record<string, unknown> {
  const { service: s, deployment, definition } = revision;
  return compact({
    serviceRevisionArn: serviceRevisionArn(d, s.clusterName, s.serviceName, deployment.id),
    serviceArn: arns.service(d, s.clusterName, s.serviceName),
    clusterArn: arns.cluster(d, s.clusterName),
    taskDefinition: deployment.taskDefinitionArn,
    launchType: 'EC2',
    loadBalancers: s.loadBalancers,
    serviceRegistries: s.serviceRegistries ?? [],
    networkConfiguration: deployment.networkConfiguration,
    containerImages: (definition?.containerDefinitions ?? []).map((c) => ({ containerName: c.name, image: c.image })),
    guardDutyEnabled: false,
    createdAt: seconds(deployment.createdAt),
  });
}
