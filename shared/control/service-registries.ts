import type { z } from 'zod';
import { checkServiceRegistries } from '../domain/service-registry-rules.ts';
import type { ServiceRegistry } from '../schemas/service-registry.ts';
import type { serviceRegistries as registriesRequest } from '../schemas/traffic-requests.ts';
import type { ControlContext } from './context.ts';
import { findTaskDefinition } from './task-definitions.ts';

/** A service's Cloud Map registries checked against its task definition, read only when there are some. */
export async function checkedServiceRegistries(
  ctx: Pick<ControlContext, 'store' | 'deployment'>,
  requested: z.infer<typeof registriesRequest>,
  taskDefinitionArn: string,
): Promise<ServiceRegistry[]> {
  if (requested.length === 0) return [];
  // An EXTERNAL service has no task definition until a task set is PRIMARY.
  const definition = taskDefinitionArn === '' ? undefined : (await findTaskDefinition(ctx, taskDefinitionArn)).value;
  return checkServiceRegistries(requested, definition);
}
