import type { z } from 'zod';
import type { ServiceRegistry } from '../schemas/service-registry.ts';
import type { TaskDefinition } from '../schemas/task-definition.ts';
import type { serviceRegistries as registriesRequest } from '../schemas/traffic-requests.ts';
import { InvalidParameterError } from './errors.ts';

/**
 * Checks a service's `serviceRegistries` against the task definition its
 * tasks run, with ECS's wording where ECS's is known, and answers them as
 * Berth stores them. Throws before anything is written. (Compact: this is in
 * the api bundle, which is at its size budget.)
 */
export function checkServiceRegistries(
  requested: z.infer<typeof registriesRequest>,
  definition: TaskDefinition | undefined,
): ServiceRegistry[] {
  // ECS associates a service with one service registry at most.
  if (requested.length > 1) throw new InvalidParameterError('serviceRegistries can have at most one entry.');
  return requested.map(({ registryArn, port, containerName: name, containerPort }) => {
    const container = definition?.containerDefinitions.find((c) => c.name === name);
    const refusal =
      registryArn === undefined
        ? 'serviceRegistries.registryArn is required'
        : port !== undefined && (name !== undefined || containerPort !== undefined)
          ? "Specify a value for either 'port' or the 'containerName' and 'containerPort' combination, but not both. Remove one and retry"
          : (name === undefined) !== (containerPort === undefined)
            ? "serviceRegistries needs both 'containerName' and 'containerPort', or neither"
            : port !== undefined && definition && definition.networkMode !== 'awsvpc'
              ? "A task definition in bridge or host network mode takes 'containerName' and 'containerPort' in serviceRegistries, not 'port'"
              : name !== undefined && definition && !container
                ? `The container ${name} does not exist in the task definition`
                : name !== undefined &&
                    definition &&
                    !container?.portMappings?.some((p) => p.containerPort === containerPort)
                  ? `The container ${name} did not have a container port ${containerPort} defined`
                  : undefined;
    if (refusal !== undefined) throw new InvalidParameterError(`${refusal}.`);
    return {
      registryArn: registryArn!,
      ...(port !== undefined && { port }),
      ...(name !== undefined && { containerName: name, containerPort: containerPort! }),
    };
  });
}
