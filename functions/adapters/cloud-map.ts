import type { RegisteredInstance, RegistryLookup, ServiceDiscovery } from '#shared/ports/service-discovery.ts';
import { createAwsJsonClient, type AwsJsonClientOptions } from './aws-json-client.ts';

interface Answers {
  GetService: { Service?: { HealthCheckCustomConfig?: unknown } };
  GetInstancesHealthStatus: { Status?: Record<string, string>; NextToken?: string };
  ListInstances: { Instances?: { Id?: string; Attributes?: Record<string, string> }[]; NextToken?: string };
}

/** Errors that say the Cloud Map service cannot be used, as opposed to a fault worth retrying. */
const MISSING = new Set(['ServiceNotFound', 'InvalidInput']);

/**
 * The ServiceDiscovery port over AWS Cloud Map (`servicediscovery`, AWS JSON
 * 1.1, target prefix Route53AutoNaming_v20170314) through Berth's lean JSON
 * client rather than the SDK, to keep the scheduler's bundle small. Register
 * and deregister are asynchronous in Cloud Map: an operation id is answered
 * and the next pass's ListInstances shows the outcome, so Berth does not poll
 * GetOperation.
 */
export function createCloudMap(options: AwsJsonClientOptions): ServiceDiscovery & { destroy(): void } {
  const client = createAwsJsonClient(
    { signingName: 'servicediscovery', targetPrefix: 'Route53AutoNaming_v20170314', jsonVersion: '1.1' },
    options,
  );
  const call = <K extends keyof Answers>(operation: K, input: unknown) =>
    client.call(operation, input) as Promise<Answers[K]>;
  return {
    async lookup(serviceId): Promise<RegistryLookup> {
      try {
        const answer = await call('GetService', { Id: serviceId });
        return { found: true, customHealth: answer.Service?.HealthCheckCustomConfig !== undefined };
      } catch (error) {
        if (error instanceof Error && MISSING.has(error.name)) return { found: false, reason: error.message };
        throw error;
      }
    },
    async instances(serviceId): Promise<RegisteredInstance[]> {
      const found: RegisteredInstance[] = [];
      let token: string | undefined;
      do {
        const page = await call('ListInstances', { ServiceId: serviceId, ...(token && { NextToken: token }) });
        for (const i of page.Instances ?? []) {
          if (i.Id !== undefined) found.push({ id: i.Id, attributes: i.Attributes ?? {} });
        }
        token = page.NextToken;
      } while (token);
      return found;
    },
    async register(serviceId, instance) {
      await client.call('RegisterInstance', {
        ServiceId: serviceId,
        InstanceId: instance.id,
        // Register is idempotent per request id: the same task and attributes are the same request.
        CreatorRequestId: `${instance.id}-${Object.values(instance.attributes).join('-')}`.slice(0, 64),
        Attributes: instance.attributes,
      });
    },
    async deregister(serviceId, instanceId) {
      await client.call('DeregisterInstance', { ServiceId: serviceId, InstanceId: instanceId });
    },
    async health(serviceId) {
      const statuses: Record<string, string> = {};
      let token: string | undefined;
      do {
        const page = await call('GetInstancesHealthStatus', {
          ServiceId: serviceId,
          ...(token && { NextToken: token }),
        });
        Object.assign(statuses, page.Status ?? {});
        token = page.NextToken;
      } while (token);
      return statuses;
    },
    async setHealth(serviceId, instanceId, status) {
      await client.call('UpdateInstanceCustomHealthStatus', {
        ServiceId: serviceId,
        InstanceId: instanceId,
        Status: status,
      });
    },
    destroy: () => client.destroy(),
  };
}
