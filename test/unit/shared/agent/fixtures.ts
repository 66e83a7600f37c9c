import type { AgentTask, ContainerState } from '#shared/agent/task-model.ts';
import { taskSpec, type TaskSpec } from '#shared/schemas/agent-api.ts';
import type { ContainerDefinition } from '#shared/schemas/task-definition.ts';

/** Fixture factories for the agent's pure core. */
export function aContainer(overrides: Partial<ContainerState> = {}): ContainerState {
  return {
    name: 'app',
    essential: true,
    dependsOn: [],
    createAfter: [],
    hasHealthCheck: false,
    stopTimeoutSeconds: 30,
    status: 'NONE',
    failed: false,
    networkBindings: [],
    hostPorts: [],
    restartPending: false,
    restartCount: 0,
    ...overrides,
  };
}

/** A task spec as the control plane sends it, before any check reads it. */
export function rawSpec(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    taskId: 't1',
    taskArn: 'arn:aws:ecs:us-east-1:000000000000:task/c1/t1',
    clusterName: 'c1',
    desiredStatus: 'RUNNING',
    family: 'web',
    revision: 3,
    networkMode: 'bridge',
    containerDefinitions: [{ name: 'app', image: 'busybox', memory: 64 }],
    overrides: {},
    ...extra,
  };
}

export function aSpec(
  containers: ContainerDefinition[] = [{ name: 'app', image: 'busybox', memory: 64 }],
  extra: Partial<TaskSpec> = {},
): TaskSpec {
  return taskSpec.parse(rawSpec({ containerDefinitions: containers, ...extra }));
}

export function aTask(containers: ContainerState[] = [aContainer()], overrides: Partial<AgentTask> = {}): AgentTask {
  return {
    taskId: 't1',
    spec: aSpec(),
    desiredStatus: 'RUNNING',
    status: 'PENDING',
    stopping: false,
    seq: 0,
    answeredSeq: 0,
    containers,
    ...overrides,
  };
}
