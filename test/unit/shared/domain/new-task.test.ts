import { describe, expect, it } from 'vitest';
import { newTask } from '#shared/domain/new-task.ts';
import type { TaskDefinition } from '#shared/schemas/task-definition.ts';

const definition = (networkMode: TaskDefinition['networkMode']): TaskDefinition => ({
  family: 'web',
  revision: 1,
  status: 'ACTIVE',
  networkMode,
  registeredAt: 0,
  reservation: { cpu: 0, memory: 64 },
  containerDefinitions: [
    {
      name: 'app',
      image: 'app',
      memory: 32,
      portMappings: [{ containerPort: 8080 }, { containerPort: 5353, protocol: 'udp' }],
    },
    { name: 'admin', image: 'admin', memory: 32, portMappings: [{ containerPort: 9000, protocol: 'tcp' }] },
  ],
});

const build = (networkMode: TaskDefinition['networkMode']) =>
  newTask({
    taskId: '0123456789abcdef0123456789abcdef',
    containerIds: ['c1', 'c2'],
    clusterName: 'c',
    taskDefinitionArn: 'arn:td',
    definition: definition(networkMode),
    overrides: {},
    group: 'service:web',
    placementStrategy: [],
    placementConstraints: [],
    tags: [],
    now: 0,
  });

describe('newTask', () => {
  it('keeps an awsvpc task its TCP container ports, in definition order, for the DNS view', () => {
    expect(build('awsvpc').networkInterface?.ports).toEqual([
      { containerName: 'app', containerPort: 8080 },
      { containerName: 'admin', containerPort: 9000 },
    ]);
  });

  it('gives a bridge task no interface', () => {
    expect(build('bridge').networkInterface).toBeUndefined();
  });
});
