import type { ContainerConfig } from '../ports/container-runtime.ts';
import type { TaskSpec } from '../schemas/agent-api.ts';
import type { ContainerDefinition } from '../schemas/task-definition.ts';
import { sysctlNamespace } from '../domain/sysctls.ts';
import { runtimeContainerName } from './labels.ts';

type Options = Pick<ContainerConfig, 'tmpfs' | 'sysctls' | 'volumesFrom' | 'gpuCount'>;

/**
 * The container options of a definition in runtime terms: tmpfs mounts
 * (size in MiB, ECS's mount options), namespaced sysctls (others are
 * refused before this, and left out here so a bug there cannot change the
 * host), volumes of other containers of the same task, and GPUs.
 */
export function containerOptions(spec: TaskSpec, definition: ContainerDefinition): Options {
  const tmpfs = Object.fromEntries(
    (definition.linuxParameters?.tmpfs ?? []).map((t) => [
      t.containerPath,
      [`size=${t.size}m`, ...(t.mountOptions ?? [])].join(','),
    ]),
  );
  const sysctls = Object.fromEntries(
    (definition.systemControls ?? []).flatMap((s) =>
      s.namespace && sysctlNamespace(s.namespace) ? [[s.namespace, s.value ?? '']] : [],
    ),
  );
  const volumesFrom = (definition.volumesFrom ?? []).flatMap((v) =>
    v.sourceContainer ? [`${runtimeContainerName(spec.taskId, v.sourceContainer)}${v.readOnly ? ':ro' : ''}`] : [],
  );
  const gpus = Number(definition.resourceRequirements?.find((r) => r.type === 'GPU')?.value ?? 0);
  return {
    ...(Object.keys(tmpfs).length > 0 ? { tmpfs } : {}),
    ...(Object.keys(sysctls).length > 0 ? { sysctls } : {}),
    ...(volumesFrom.length > 0 ? { volumesFrom } : {}),
    ...(gpus > 0 ? { gpuCount: gpus } : {}),
  };
}
