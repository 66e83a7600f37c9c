import { clusters, containerInstances, services, taskDefinitions, tasks } from '#shared/domain/collections.ts';
import type { Store } from '#shared/ports/store.ts';
import type { Tag } from '#shared/schemas/common.ts';
import type { TagSource } from '#shared/security/scope/scope.ts';

/**
 * Reads the tags of an existing resource for `aws:ResourceTag/...`
 * conditions. Called only when the key's policy has such a condition, so a
 * policy without one costs no reads. A resource that does not exist (yet)
 * has no tags: a condition requiring a tag then does not hold.
 */
export type TagLookup = (source: TagSource) => Promise<readonly Tag[] | undefined>;

export function storeTagLookup(store: Store): TagLookup {
  return async (source) => {
    switch (source.kind) {
      case 'cluster':
        return (await store.get(clusters, clusters.key(source.cluster)))?.value.tags;
      case 'task':
        return (await store.get(tasks, tasks.key(source.cluster, source.taskId)))?.value.tags;
      case 'service':
        return (await store.get(services, services.key(source.cluster, source.service)))?.value.tags;
      case 'container-instance': {
        const instance = await store.get(containerInstances, containerInstances.key(source.cluster, source.instanceId));
        return instance === undefined ? undefined : (instance.value.tags ?? []);
      }
      case 'task-definition': {
        // Without a revision the request may act on any revision: no single set of tags applies.
        if (source.revision === undefined) return undefined;
        return (await store.get(taskDefinitions, taskDefinitions.key(source.family, source.revision)))?.value.tags;
      }
    }
  };
}
