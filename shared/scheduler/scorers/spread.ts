import { tasksOfGroup, type CandidateInstance, type Fleet } from '../fleet.ts';
import type { Scorer } from '../types.ts';

/**
 * The bucket of an instance whose attribute is missing or has no value.
 * Such instances are one more value of their own: spread then balances them
 * against each zone (say) instead of ignoring or excluding them. Attribute
 * values are at most 128 printable characters, so this cannot collide.
 */
export const NO_VALUE = '\u0000no value';

export function spreadValue(instance: CandidateInstance, attribute: string): string {
  return instance.attributes.get(attribute) ?? NO_VALUE;
}

/** Tasks of the group per value of the attribute, over the whole fleet. */
export function countByValue(fleet: Fleet, attribute: string, group: string | undefined): Map<string, number> {
  const counts = new Map<string, number>();
  for (const instance of fleet.instances) {
    const value = spreadValue(instance, attribute);
    counts.set(value, (counts.get(value) ?? 0) + tasksOfGroup(instance, group));
  }
  return counts;
}

/**
 * spread over instances (`instanceId` or `host`): the instance running the
 * fewest tasks of the group scores highest.
 *
 * Range (0, 1]: 1 / (1 + tasks of the group on the instance).
 */
export function spreadInstanceScorer(group: string | undefined): Scorer {
  return (instance) => 1 / (1 + tasksOfGroup(instance, group));
}

/**
 * spread over an attribute (`attribute:ecs.availability-zone`): the value
 * whose instances, all of them and not only today's candidates, run the
 * fewest tasks of the group scores highest; every instance with that value
 * scores alike.
 *
 * Range (0, 1]: 1 / (1 + tasks of the group on instances with the value).
 */
export function spreadAttributeScorer(fleet: Fleet, attribute: string, group: string | undefined): Scorer {
  const counts = countByValue(fleet, attribute, group);
  return (instance) => 1 / (1 + (counts.get(spreadValue(instance, attribute)) ?? 0));
}
