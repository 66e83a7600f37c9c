import type { ContainerState } from './task-model.ts';

/**
 * Whether a container's dependsOn conditions allow it to start:
 * - START: the dependency has started;
 * - COMPLETE: it has run and exited, with any code;
 * - SUCCESS: it has exited with code 0;
 * - HEALTHY: its health check reports healthy.
 * `blocked` means the condition can no longer be met, so the task cannot run.
 */
export type DependencyVerdict =
  { readonly kind: 'met' } | { readonly kind: 'waiting' } | { readonly kind: 'blocked'; readonly reason: string };

const MET: DependencyVerdict = { kind: 'met' };
const WAITING: DependencyVerdict = { kind: 'waiting' };

export function dependencyVerdict(container: ContainerState, containers: readonly ContainerState[]): DependencyVerdict {
  for (const dependency of container.dependsOn) {
    const other = containers.find((c) => c.name === dependency.containerName);
    const blocked = (why: string): DependencyVerdict => ({
      kind: 'blocked',
      reason: `Container '${container.name}' cannot start: dependency '${dependency.containerName}' (${dependency.condition}) ${why}`,
    });
    if (!other) return blocked('is not a container of this task');
    if (other.failed) return blocked('failed to start');
    const exited = other.status === 'STOPPED';
    switch (dependency.condition) {
      case 'START':
        if (other.status === 'RUNNING' || (exited && other.startedAt !== undefined)) continue;
        if (exited) return blocked('stopped without starting');
        return WAITING;
      case 'COMPLETE':
        if (exited && other.startedAt !== undefined) continue;
        if (exited) return blocked('stopped without running');
        return WAITING;
      case 'SUCCESS':
        if (exited && other.exitCode === 0) continue;
        if (exited) return blocked(`exited with code ${other.exitCode ?? 'unknown'}`);
        return WAITING;
      case 'HEALTHY':
        if (!other.hasHealthCheck) return blocked('has no health check');
        if (other.health === 'HEALTHY' && other.status === 'RUNNING') continue;
        if (exited) return blocked('stopped before it became healthy');
        return WAITING;
    }
  }
  return MET;
}

/**
 * Whether the containers this one is created after (its volumesFrom
 * sources, its task's namespace holder) have started: the engine resolves
 * them when it creates the container. Once created, it has nothing to wait for.
 */
export function createVerdict(container: ContainerState, containers: readonly ContainerState[]): DependencyVerdict {
  if (container.status !== 'NONE' && container.status !== 'PULLED') return MET;
  const verdict = dependencyVerdict(
    { ...container, dependsOn: container.createAfter.map((name) => ({ containerName: name, condition: 'START' })) },
    containers,
  );
  return verdict.kind === 'blocked'
    ? { kind: 'blocked', reason: verdict.reason.replace('cannot start', 'cannot be created') }
    : verdict;
}
