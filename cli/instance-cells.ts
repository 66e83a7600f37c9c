import type { ContainerInstance, Resource } from '@aws-sdk/client-ecs';

/** Cells about a container instance that `berth status` and `berth agents list` share. */

function amount(resources: readonly Resource[] | undefined, name: string): number | undefined {
  return resources?.find((r) => r.name === name)?.integerValue;
}

/** `free/registered` of one resource, e.g. `1536/2048`. */
export function freeOf(instance: ContainerInstance, name: 'CPU' | 'MEMORY'): string {
  const free = amount(instance.remainingResources, name);
  const registered = amount(instance.registeredResources, name);
  return `${free ?? '?'}/${registered ?? '?'}`;
}

export function yesNo(value: boolean | undefined): string {
  return value === true ? 'yes' : 'no';
}

export function attributeOf(instance: ContainerInstance, name: string): string | undefined {
  return instance.attributes?.find((a) => a.name === name)?.value;
}
