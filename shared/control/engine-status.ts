import { containerInstances } from '../domain/collections.ts';
import type { PollRequest } from '../schemas/agent-api.ts';
import type { ContainerInstance } from '../schemas/container-instance.ts';
import type { ControlContext } from './context.ts';
import { updateWithRetry } from './listing.ts';

/** The instance attribute that shows whether the host's container engine answers its agent. */
export const ENGINE_STATUS_ATTRIBUTE = 'berth.docker.status';

export type EngineStatus = NonNullable<PollRequest['engineStatus']>;

/** The attribute's value for a status: lower case, as ECS's own attribute values. */
export function engineStatusValue(status: EngineStatus): string {
  return status.toLowerCase();
}

/**
 * Records what the agent says of its engine as the instance attribute
 * `berth.docker.status` (responsive / unresponsive), visible in
 * DescribeContainerInstances and usable in placement constraints. Written
 * only when the value changes, so a steady poll costs no write.
 */
export async function recordEngineStatus(
  ctx: ControlContext,
  instance: ContainerInstance,
  status: EngineStatus,
): Promise<ContainerInstance> {
  const value = engineStatusValue(status);
  const current = instance.attributes.find((a) => a.name === ENGINE_STATUS_ATTRIBUTE);
  if (current?.value === value) return instance;
  const updated = await updateWithRetry(
    ctx.store,
    containerInstances,
    containerInstances.key(instance.clusterName, instance.id),
    (i) => {
      if (i.attributes.find((a) => a.name === ENGINE_STATUS_ATTRIBUTE)?.value === value) return undefined;
      const others = i.attributes.filter((a) => a.name !== ENGINE_STATUS_ATTRIBUTE);
      return { ...i, attributes: [...others, { name: ENGINE_STATUS_ATTRIBUTE, value }] };
    },
  );
  return updated?.value ?? instance;
}
