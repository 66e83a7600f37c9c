/**
 * The labels the agent puts on every container it starts. They are how it
 * finds its own containers after a restart, and the fence around everything
 * else: the agent never lists, stops or removes a container without them.
 */
export const LABELS = {
  cluster: 'com.berth.cluster',
  taskId: 'com.berth.task-id',
  taskArn: 'com.berth.task-arn',
  containerName: 'com.berth.container-name',
  instanceId: 'com.berth.instance-id',
  family: 'com.berth.task-definition-family',
  revision: 'com.berth.task-definition-revision',
} as const;

/** The labels that select one agent's containers: its cluster and its instance. */
export function instanceSelector(clusterName: string, instanceId: string): Record<string, string> {
  return { [LABELS.cluster]: clusterName, [LABELS.instanceId]: instanceId };
}

/**
 * The engine-side container name. Deterministic, so a create retried after a
 * crash collides with the first one instead of running the container twice.
 */
export function runtimeContainerName(taskId: string, containerName: string): string {
  return `berth-${taskId}-${containerName}`.replace(/[^a-zA-Z0-9_.-]/g, '-');
}
