import {
  CreateServiceCommand,
  DeleteServiceCommand,
  UpdateServiceCommand,
  type CreateServiceCommandInput,
  type Service,
  type UpdateServiceCommandInput,
} from '@aws-sdk/client-ecs';
import * as z from 'zod';
import type { Berth } from './berth-client.ts';
import { ProvisionerError } from './errors.ts';
import type { OnEventResult } from './events.ts';
import { isNotFound } from './not-found.ts';
import type { ResourceHandler } from './resource-handler.ts';
import { serviceOfArn } from './service-arn.ts';
import { drainComplete, deploymentComplete } from './service-waits.ts';

/**
 * `Custom::BerthService`: the physical id is the service's ARN. Create and
 * Update return once the deployment they started has finished (isComplete);
 * a deployment the circuit breaker stops fails the event with its reason.
 */
const serviceRequest = z.looseObject({
  serviceName: z.string().min(1).max(255),
  cluster: z.string().min(1).optional(),
  desiredCount: z.number().int().min(0).optional(),
});

/** Members UpdateService cannot change: a new value means a new service. */
const REPLACING = ['serviceName', 'cluster', 'launchType', 'schedulingStrategy', 'role'] as const;

/** Members UpdateService takes, copied from the new properties when present. */
const UPDATABLE = [
  'taskDefinition',
  'desiredCount',
  'deploymentConfiguration',
  'placementConstraints',
  'placementStrategy',
  'networkConfiguration',
  'healthCheckGracePeriodSeconds',
  'loadBalancers',
  'serviceRegistries',
  'capacityProviderStrategy',
  'enableExecuteCommand',
  'enableECSManagedTags',
  'propagateTags',
  'availabilityZoneRebalancing',
] as const;

export const serviceResource: ResourceHandler = {
  schema: serviceRequest,
  create: (berth, request, requestId) => create(berth, request, requestId),

  async update(berth, request, old, physicalId, requestId) {
    if (REPLACING.some((member) => JSON.stringify(request[member]) !== JSON.stringify(old[member]))) {
      return create(berth, request, requestId);
    }
    const { serviceName, cluster } = serviceRequest.parse(request);
    const changes = Object.fromEntries(UPDATABLE.filter((m) => m in request).map((m) => [m, request[m]]));
    // Berth's endpoint validates every member; an unchanged task definition
    // starts no deployment, so a repeated Update changes nothing.
    const input = { ...changes, service: serviceName, cluster } as UpdateServiceCommandInput;
    const out = await berth.call('UpdateService', (ecs) => ecs.send(new UpdateServiceCommand(input)));
    return waitFor(out.service, physicalId);
  },

  async delete(berth, physicalId) {
    const where = serviceOfArn(physicalId);
    if (!where) return { PhysicalResourceId: physicalId };
    try {
      // Scale to 0 first, as ECS asks, so DeleteService never needs force.
      await berth.call('UpdateService', (ecs) => ecs.send(new UpdateServiceCommand({ ...where, desiredCount: 0 })));
      await berth.call('DeleteService', (ecs) => ecs.send(new DeleteServiceCommand(where)));
    } catch (error) {
      if (isNotFound(error)) return { PhysicalResourceId: physicalId };
      throw error;
    }
    return { PhysicalResourceId: physicalId, BerthPending: { kind: 'drain', serviceArn: physicalId } };
  },

  async isComplete(berth, pending) {
    return pending.kind === 'drain' ? drainComplete(berth, pending) : deploymentComplete(berth, pending);
  },
};

async function create(berth: Berth, request: Record<string, unknown>, requestId: string): Promise<OnEventResult> {
  // The CloudFormation request id as client token: a repeated Create answers
  // the service the first one made instead of a second service or an error.
  const input = { ...request, clientToken: requestId.slice(0, 36) } as unknown as CreateServiceCommandInput;
  const out = await berth.call('CreateService', (ecs) => ecs.send(new CreateServiceCommand(input)));
  return waitFor(out.service);
}

function waitFor(service: Service | undefined, physicalId?: string): OnEventResult {
  const arn = service?.serviceArn ?? physicalId;
  const deploymentId = service?.deployments?.[0]?.id;
  if (!arn || !deploymentId) throw new ProvisionerError('Berth answered a service without its ARN or deployment');
  return {
    PhysicalResourceId: arn,
    Data: { Arn: arn, Name: service?.serviceName ?? '' },
    BerthPending: { kind: 'deployment', serviceArn: arn, deploymentId },
  };
}
