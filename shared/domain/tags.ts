import type { Tag } from '../schemas/common.ts';
import { InvalidParameterError } from './errors.ts';

/** ECS's limit on the tags of one resource. */
export const MAX_TAGS = 50;

/** Keys beginning `aws:` (in any case) belong to AWS: users may neither set nor remove them. */
export function refuseReservedKeys(keys: readonly string[]): void {
  const reserved = keys.find((k) => k.toLowerCase().startsWith('aws:'));
  if (reserved !== undefined) {
    throw new InvalidParameterError(`Tag keys beginning with 'aws:' are reserved for AWS use: ${reserved}`, {
      tags: reserved,
    });
  }
}

/**
 * The tags after TagResource: a given key replaces the value it had, new keys
 * come after the existing ones. More than 50 in all is refused, so the
 * resource is left as it was.
 */
export function mergeTags(current: readonly Tag[], added: readonly Tag[]): Tag[] {
  const byKey = new Map(current.map((t) => [t.key, t]));
  for (const tag of added) byKey.set(tag.key, tag);
  const merged = [...byKey.values()];
  if (merged.length > MAX_TAGS) {
    throw new InvalidParameterError(`A resource can have at most ${MAX_TAGS} tags: it would have ${merged.length}`, {
      tags: merged.length,
    });
  }
  return merged;
}

/** The tags after UntagResource; a key that is not there is no error. */
export function removeTags(current: readonly Tag[], keys: readonly string[]): Tag[] {
  const gone = new Set(keys);
  return current.filter((t) => !gone.has(t.key));
}

export type PropagateTags = 'TASK_DEFINITION' | 'SERVICE' | 'NONE';

export interface TaskTagSources {
  readonly propagateTags?: PropagateTags;
  readonly definitionTags?: readonly Tag[];
  readonly serviceTags?: readonly Tag[];
  /** RunTask's own `tags`. */
  readonly own?: readonly Tag[];
  /** `enableECSManagedTags`: the task's cluster and, for a service's task, the service. */
  readonly managed?: { readonly cluster: string; readonly service?: string };
}

/**
 * The tags a new task carries. Propagated tags come first and the request's
 * own tags override them key by key (what the caller asked for this task is
 * more specific than what it inherits); ECS's managed tags come last and
 * cannot be overridden, since `aws:` keys are refused in requests.
 */
export function taskTags(sources: TaskTagSources): Tag[] {
  const inherited =
    sources.propagateTags === 'TASK_DEFINITION'
      ? (sources.definitionTags ?? [])
      : sources.propagateTags === 'SERVICE'
        ? (sources.serviceTags ?? [])
        : [];
  const tags = new Map<string, Tag>();
  for (const tag of [...inherited, ...(sources.own ?? [])]) tags.set(tag.key, tag);
  if (sources.managed) {
    tags.set('aws:ecs:clusterName', { key: 'aws:ecs:clusterName', value: sources.managed.cluster });
    if (sources.managed.service !== undefined) {
      tags.set('aws:ecs:serviceName', { key: 'aws:ecs:serviceName', value: sources.managed.service });
    }
  }
  return [...tags.values()];
}

/**
 * The tag members of RunTask: its own tags may not use `aws:` keys, and a
 * task run on its own has no service to propagate from (ECS refuses SERVICE).
 */
export function checkRunTaskTags(request: {
  readonly tags?: readonly Tag[];
  readonly propagateTags?: PropagateTags;
}): void {
  refuseReservedKeys((request.tags ?? []).map((t) => t.key));
  if (request.propagateTags === 'SERVICE') {
    throw new InvalidParameterError('propagateTags SERVICE is only valid for a task started by a service', {
      propagateTags: request.propagateTags,
    });
  }
}
