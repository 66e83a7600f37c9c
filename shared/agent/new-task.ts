import type { TaskSpec } from '../schemas/agent-api.ts';
import { toRuntimeHealthCheck } from './health.ts';
import { createAfter } from './task-namespaces.ts';
import { restartRule } from './restart-policy.ts';
import type { AgentTask, ContainerState } from './task-model.ts';

/** A task the agent has just heard of; nothing is known about it on the host yet. */
export function newAgentTask(taskId: string, desiredStatus: 'RUNNING' | 'STOPPED', taskArn?: string): AgentTask {
  return {
    taskId,
    ...(taskArn ? { taskArn } : {}),
    desiredStatus,
    status: 'PROVISIONING',
    stopping: false,
    seq: 0,
    answeredSeq: 0,
    containers: [],
  };
}

function blankContainer(name: string, stopTimeoutSeconds: number): ContainerState {
  return {
    name,
    essential: true,
    dependsOn: [],
    createAfter: [],
    hasHealthCheck: false,
    stopTimeoutSeconds,
    status: 'NONE',
    failed: false,
    networkBindings: [],
    hostPorts: [],
    restartPending: false,
    restartCount: 0,
  };
}

/** The task's containers as its spec defines them, none of them pulled yet. */
export function containersFromSpec(spec: TaskSpec, defaultStopTimeoutSeconds: number): ContainerState[] {
  return spec.containerDefinitions.map((d) => ({
    ...blankContainer(d.name, d.stopTimeout ?? defaultStopTimeoutSeconds),
    essential: d.essential ?? true,
    dependsOn: d.dependsOn ?? [],
    createAfter: createAfter(spec, d),
    ...withRestartRule(d),
    hasHealthCheck: toRuntimeHealthCheck(d.healthCheck) !== undefined,
  }));
}

function withRestartRule(definition: TaskSpec['containerDefinitions'][number]): Partial<ContainerState> {
  const rule = restartRule(definition);
  return rule ? { restartRule: rule } : {};
}

/**
 * A container found on the host by its labels before (or without) its task's
 * spec: treated as essential until the spec says otherwise.
 */
export function adoptedContainer(name: string, defaultStopTimeoutSeconds: number): ContainerState {
  return blankContainer(name, defaultStopTimeoutSeconds);
}
