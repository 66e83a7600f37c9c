import { ClientError, InvalidParameterError } from './errors.ts';
import { requireOverridesSize } from './request-limits.ts';
import { parseCpu, parseMemory } from './resources.ts';
import type { ContainerDefinition } from '../schemas/task-definition.ts';
import type { TaskOverride } from '../schemas/task.ts';

/**
 * What RunTask's overrides must satisfy against the task definition they
 * override: the same rules registration applies to the definition itself,
 * checked on the values the containers will actually get. The schema has
 * already bounded each number on its own.
 */
export function validateOverrides(
  definition: { readonly containerDefinitions: readonly ContainerDefinition[] },
  overrides: TaskOverride | undefined,
): void {
  if (overrides === undefined) return;
  requireOverridesSize(overrides);
  if (overrides.cpu !== undefined) parseCpu(overrides.cpu, 'overrides.cpu');
  if (overrides.memory !== undefined) parseMemory(overrides.memory, 'overrides.memory');
  const seen = new Set<string>();
  for (const [index, o] of (overrides.containerOverrides ?? []).entries()) {
    const member = `overrides.containerOverrides.${index}`;
    if (o.name === undefined) continue;
    if (seen.has(o.name)) throw new InvalidParameterError(`${member}.name: container '${o.name}' is overridden twice`);
    seen.add(o.name);
    const container = definition.containerDefinitions.find((c) => c.name === o.name);
    if (!container) {
      throw new InvalidParameterError(
        `${member}.name: override for container named ${o.name} is not a container in the TaskDefinition`,
      );
    }
    const memory = o.memory ?? container.memory;
    const reservation = o.memoryReservation ?? container.memoryReservation;
    if (memory !== undefined && reservation !== undefined && reservation > memory) {
      throw new ClientError(
        `Invalid override for container '${o.name}': memoryReservation (${reservation}) must not exceed memory (${memory})`,
      );
    }
  }
}
