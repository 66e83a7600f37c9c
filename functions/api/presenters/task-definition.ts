import { arns, type Deployment } from '#shared/domain/arn.ts';
import type { TaskDefinition } from '#shared/schemas/task-definition.ts';
import { compact, seconds } from './time.ts';

export function presentTaskDefinition(d: Deployment, t: TaskDefinition): Record<string, unknown> {
  const { reservation: _reservation, tags: _tags, registeredAt, deregisteredAt, ...fields } = t;
  return compact({
    ...fields,
    taskDefinitionArn: arns.taskDefinition(d, t.family, t.revision),
    containerDefinitions: t.containerDefinitions.map((c) => ({ ...c, essential: c.essential !== false })),
    volumes: t.volumes ?? [],
    placementConstraints: t.placementConstraints ?? [],
    // ECS's order for a definition that EC2 and ECS Anywhere (EXTERNAL) instances can run;
    // awsvpc is the one network mode EXTERNAL cannot run.
    compatibilities: t.networkMode === 'awsvpc' ? ['EC2'] : ['EXTERNAL', 'EC2'],
    requiresAttributes: [],
    registeredAt: seconds(registeredAt),
    deregisteredAt: seconds(deregisteredAt),
  });
}
