import { LABELS } from '#shared/agent/labels.ts';
import { adoptedContainer, newAgentTask } from '#shared/agent/new-task.ts';
import { observe } from '#shared/agent/observe.ts';
import type { ContainerObservation } from '#shared/ports/container-runtime.ts';
import type { TaskEngine } from './task-engine.ts';

/**
 * Folds a full listing of the agent's containers (found by label) into its
 * tasks: after a restart or a lost event stream, this is how the agent
 * learns what happened while it was not looking.
 * - a container of a known task updates that task (a container that exited
 *   meanwhile brings its real exit code and finish time);
 * - a container of an unknown task is adopted into a task of its own, whose
 *   fate the control plane's assignments decide;
 * - a container the agent created that is no longer listed has vanished.
 * Only containers the agent knew of before the listing began
 * (`knownBefore`) can have vanished: one created since may simply be too new
 * for the listing.
 */
export function adoptListing(
  engine: TaskEngine,
  observations: readonly ContainerObservation[],
  options: { readonly knownBefore: ReadonlySet<string>; readonly defaultStopTimeoutSeconds: number },
): void {
  const listed = new Set<string>();
  for (const observation of observations) {
    const taskId = observation.labels[LABELS.taskId];
    const name = observation.labels[LABELS.containerName];
    if (!taskId || !name) continue;
    listed.add(observation.runtimeId);
    let task = engine.get(taskId);
    if (!task) {
      engine.logger.info('Adopting a container found on the host', {
        taskId,
        container: name,
        runtimeId: observation.runtimeId,
      });
      // Kept running only if the control plane still wants it (or has not said yet).
      const desired = engine.assignedStatus(taskId) ?? 'RUNNING';
      task = newAgentTask(taskId, desired, observation.labels[LABELS.taskArn]);
      engine.add(task);
    }
    if (!task.containers.some((c) => c.name === name)) {
      const stopTimeout = observation.stopTimeoutSeconds ?? options.defaultStopTimeoutSeconds;
      const containers = [...task.containers, adoptedContainer(name, stopTimeout)];
      engine.add({ ...task, containers });
    }
    engine.dispatch(taskId, { type: 'observed', container: name, observed: observe(observation) });
  }
  for (const task of engine.list()) {
    for (const c of task.containers) {
      if (!c.runtimeId || listed.has(c.runtimeId) || c.pending || !options.knownBefore.has(c.runtimeId)) continue;
      if (c.status === 'CREATED' || c.status === 'RUNNING')
        engine.dispatch(task.taskId, { type: 'vanished', container: c.name });
    }
  }
}
