import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { berthClient } from './berth-client.ts';
import { clusterResource } from './cluster-resource.ts';
import { ProvisionerError } from './errors.ts';
import { customResourceEvent, isCompleteEvent, type IsCompleteResult, type OnEventResult } from './events.ts';
import { parseProperties, parseRequest, resourceProperties, sameProperties } from './properties.ts';
import type { ResourceHandler } from './resource-handler.ts';
import { serviceResource } from './service-resource.ts';
import { taskDefinitionResource } from './task-definition-resource.ts';

/** The custom resource types the constructs declare, by CloudFormation `ResourceType`. */
export const RESOURCE_TYPES: Readonly<Record<string, ResourceHandler>> = {
  'Custom::BerthCluster': clusterResource,
  'Custom::BerthTaskDefinition': taskDefinitionResource,
  'Custom::BerthService': serviceResource,
};

export interface ProvisionerDeps {
  readonly secretsManager: SecretsManagerClient;
  /** The region requests are signed for when a resource names none. */
  readonly region: string;
}

/**
 * The two functions of the CDK provider framework: `onEvent` starts the
 * change, `isComplete` (polled by the framework's state machine) says when a
 * service's deployment or drain has finished.
 */
export function createProvisioner(deps: ProvisionerDeps) {
  return {
    async onEvent(raw: unknown): Promise<OnEventResult> {
      const event = parse(customResourceEvent, raw);
      const resource = handlerFor(event.ResourceType);
      if (event.RequestType === 'Delete' && !createdAnything(event.ResourceProperties, event.PhysicalResourceId)) {
        // The Create failed before any call (CloudFormation still deletes
        // what it answered): succeed, so the stack can roll back.
        return { PhysicalResourceId: event.PhysicalResourceId };
      }
      // Properties are checked before any call, so a bad one writes nothing.
      const properties = parseProperties(event.ResourceProperties);
      if (event.RequestType === 'Delete') {
        return resource.delete(
          await berthClient(deps.secretsManager, properties, deps.region),
          event.PhysicalResourceId,
        );
      }
      const request = parseRequest(properties, resource.schema);
      if (event.RequestType === 'Update' && sameProperties(event.ResourceProperties, event.OldResourceProperties)) {
        // Nothing asked to change: no call, the same physical id, no drift.
        return { PhysicalResourceId: event.PhysicalResourceId };
      }
      const berth = await berthClient(deps.secretsManager, properties, deps.region);
      if (event.RequestType === 'Create') return resource.create(berth, request, event.RequestId);
      const old = oldRequest(event.OldResourceProperties, resource);
      return resource.update(berth, request, old, event.PhysicalResourceId, event.RequestId);
    },

    async isComplete(raw: unknown): Promise<IsCompleteResult> {
      const event = parse(isCompleteEvent, raw);
      const pending = event.BerthPending;
      const resource = handlerFor(event.ResourceType);
      if (!pending || !resource.isComplete) return { IsComplete: true };
      const properties = parseProperties(event.ResourceProperties);
      return resource.isComplete(await berthClient(deps.secretsManager, properties, deps.region), pending);
    },
  };
}

/**
 * CDK's provider framework answers a failed Create with this physical id,
 * and answers the Delete that follows it itself, calling neither function.
 */
const CREATE_FAILED_PHYSICAL_ID = 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED';

/**
 * Whether a resource with these properties and physical id can exist: not
 * when the properties are unreadable (a Create with them made no call), nor
 * for the framework's failed-Create marker (should a Delete with it reach
 * us, say through a framework that forwards it). Any other id is a name or
 * ARN Berth answered, a UUID-shaped cluster name included, and is deleted.
 */
function createdAnything(properties: Record<string, unknown>, physicalId: string): boolean {
  if (!resourceProperties.safeParse(properties).success) return false;
  return physicalId !== CREATE_FAILED_PHYSICAL_ID;
}

function handlerFor(type: string): ResourceHandler {
  const resource = RESOURCE_TYPES[type];
  if (!resource) {
    throw new ProvisionerError(
      `Unknown resource type ${type}; expected one of ${Object.keys(RESOURCE_TYPES).join(', ')}`,
    );
  }
  return resource;
}

/** The previous request; an unreadable one (properties an older provider wrote) counts as empty. */
function oldRequest(raw: Record<string, unknown>, resource: ResourceHandler): Record<string, unknown> {
  try {
    return parseRequest(parseProperties(raw), resource.schema);
  } catch {
    return {};
  }
}

function parse<T>(
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: Error } },
  raw: unknown,
): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success)
    throw new ProvisionerError(`Not a CloudFormation custom resource event: ${parsed.error.message}`);
  return parsed.data;
}
