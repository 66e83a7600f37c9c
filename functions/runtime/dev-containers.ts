import { instanceSelector } from '#shared/agent/labels.ts';

/** How long a task container has to stop on its own before it is killed, when dev mode exits. */
export const EXIT_STOP_GRACE_SECONDS = 3;

/**
 * Stops and removes every container an agent started for its instance
 * (found by the labels the agent puts on them, so nothing else on the
 * engine is touched): all at once, each with `graceSeconds` between the stop
 * signal and the kill. Dev mode calls it on exit when its control plane is
 * in memory: nothing would ever manage these containers again. Answers the
 * containers it could not remove, with the engine's reason.
 */
export async function removeInstanceContainers(
  cluster: string,
  instanceId: string,
  options: { readonly graceSeconds?: number; readonly dockerHost?: string } = {},
): Promise<string[]> {
  const { DockerRuntime } = await import('#agent/docker/docker-runtime.ts');
  const runtime = new DockerRuntime({ ...(options.dockerHost !== undefined && { dockerHost: options.dockerHost }) });
  try {
    const listed = await runtime.listContainers(instanceSelector(cluster, instanceId));
    if (!listed.ok) return [`listing containers: ${listed.failure.message}`];
    const grace = options.graceSeconds ?? EXIT_STOP_GRACE_SECONDS;
    const outcomes = await Promise.all(
      listed.value.map(async (container) => {
        const stopped = await runtime.stopContainer(container.runtimeId, grace);
        const removed = stopped.ok ? await runtime.removeContainer(container.runtimeId) : stopped;
        return removed.ok ? undefined : `${container.name}: ${removed.failure.message}`;
      }),
    );
    return outcomes.filter((failure) => failure !== undefined);
  } finally {
    runtime.close();
  }
}
