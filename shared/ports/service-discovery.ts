import type { RegisteredInstance, RegistryLookup } from '../schemas/service-registry.ts';

export type { RegisteredInstance, RegistryLookup } from '../schemas/service-registry.ts';

/**
 * AWS Cloud Map as the scheduler's service discovery step sees it: a
 * service's instances, and registering and deregistering Berth's tasks as
 * instances (the instance id is the task id). Implemented over the Cloud Map
 * API (functions/adapters/cloud-map.ts) and, in tests of pure logic, by fakes.
 */
export interface ServiceDiscovery {
  /** `serviceId` is the id in the registry ARN (`srv-...`). */
  lookup(serviceId: string): Promise<RegistryLookup>;
  instances(serviceId: string): Promise<RegisteredInstance[]>;
  register(serviceId: string, instance: RegisteredInstance): Promise<void>;
  deregister(serviceId: string, instanceId: string): Promise<void>;
  /** Each instance's health status, by instance id (for a service with HealthCheckCustomConfig). */
  health(serviceId: string): Promise<Record<string, string>>;
  /** For a service with HealthCheckCustomConfig. */
  setHealth(serviceId: string, instanceId: string, status: 'HEALTHY' | 'UNHEALTHY'): Promise<void>;
}
