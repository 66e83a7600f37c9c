import type { TaskSpec } from '../schemas/agent-api.ts';
import type { ContainerDefinition } from '../schemas/task-definition.ts';
import type { ClusterPolicy } from '../security/cluster-policy.ts';
import { runtimeContainerName } from './labels.ts';

/**
 * pidMode and ipcMode `task`, and awsvpc: the task's containers share one
 * PID, IPC or network namespace. The engine shares a namespace by naming a
 * container that holds it, so one container of the task is the holder: the
 * others are created once it runs and join it. The holder takes no volumes
 * from another (a volumesFrom cycle is refused at registration, so one
 * always exists); an essential container that waits on no other is
 * preferred, since the namespace ends with the holder and the others are
 * created only once it runs.
 */
export function namespaceHolder(
  spec: Pick<TaskSpec, 'pidMode' | 'ipcMode' | 'containerDefinitions'> & { networkMode?: TaskSpec['networkMode'] },
): string | undefined {
  if (spec.pidMode !== 'task' && spec.ipcMode !== 'task' && spec.networkMode !== 'awsvpc') return undefined;
  const free = spec.containerDefinitions.filter((c) => !c.volumesFrom?.length);
  const first =
    free.find((c) => c.essential !== false && !c.dependsOn?.length) ?? free[0] ?? spec.containerDefinitions[0];
  return first?.name;
}

/** The engine's PidMode and IpcMode for one container of the task; host only when the policy allows it. */
export function namespaceModes(
  spec: TaskSpec,
  definition: ContainerDefinition,
  policy: ClusterPolicy,
): { pidMode?: string; ipcMode?: string } {
  const holder = namespaceHolder(spec);
  const join = holder === undefined ? undefined : `container:${runtimeContainerName(spec.taskId, holder)}`;
  const isHolder = holder === definition.name;
  const modes: { pidMode?: string; ipcMode?: string } = {};
  if (spec.pidMode === 'host' && policy.allowHostPid) modes.pidMode = 'host';
  if (spec.pidMode === 'task' && !isHolder && join) modes.pidMode = join;
  if (spec.ipcMode === 'host' && policy.allowHostIpc) modes.ipcMode = 'host';
  if (spec.ipcMode === 'none') modes.ipcMode = 'none';
  if (spec.ipcMode === 'task') modes.ipcMode = isHolder ? 'shareable' : join;
  return modes;
}

/**
 * The containers of the task this one must wait for before it is created
 * (not only started): the engine resolves volumesFrom and a joined
 * namespace when it creates the container.
 */
export function createAfter(
  spec: Pick<TaskSpec, 'pidMode' | 'ipcMode' | 'containerDefinitions'> & { networkMode?: TaskSpec['networkMode'] },
  definition: ContainerDefinition,
): string[] {
  const sources = (definition.volumesFrom ?? []).flatMap((v) => (v.sourceContainer ? [v.sourceContainer] : []));
  const holder = namespaceHolder(spec);
  if (holder !== undefined && holder !== definition.name) sources.push(holder);
  return [...new Set(sources)];
}
