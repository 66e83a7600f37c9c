import { arns, type Deployment as Arns } from '#shared/domain/arn.ts';
import { taskSetArn } from '#shared/domain/task-set-ref.ts';
import type { Service } from '#shared/schemas/service.ts';
import type { TaskSet } from '#shared/schemas/task-set.ts';
import { compact, seconds } from './time.ts';

/** A TaskSet as ECS shapes it; tags only when asked for (DescribeTaskSets include TAGS). */
export function presentTaskSet(a: Arns, s: Service, t: TaskSet, withTags = false): Record<string, unknown> {
  return compact({
    id: t.id,
    taskSetArn: taskSetArn(a, s.clusterName, s.serviceName, t.id),
    serviceArn: arns.service(a, s.clusterName, s.serviceName),
    clusterArn: arns.cluster(a, s.clusterName),
    externalId: t.externalId,
    status: t.status,
    taskDefinition: t.taskDefinitionArn,
    computedDesiredCount: t.computedDesiredCount,
    pendingCount: t.pendingCount,
    runningCount: t.runningCount,
    createdAt: seconds(t.createdAt),
    updatedAt: seconds(t.updatedAt),
    launchType: t.launchType,
    loadBalancers: [],
    serviceRegistries: [],
    scale: { value: t.scalePercent, unit: 'PERCENT' },
    stabilityStatus: t.stabilityStatus,
    stabilityStatusAt: seconds(t.stabilityStatusAt),
    ...(withTags && { tags: t.tags }),
  });
}
