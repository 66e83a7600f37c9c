import {
  DeregisterTaskDefinitionCommand,
  DescribeTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  type Tag,
} from '@aws-sdk/client-ecs';
import * as z from 'zod';
import type { Berth } from './berth-client.ts';
import { ProvisionerError } from './errors.ts';
import type { OnEventResult } from './events.ts';
import type { ResourceHandler } from './resource-handler.ts';

/**
 * `Custom::BerthTaskDefinition`: the physical id is the revision's ARN. Every
 * Update registers a new revision (a new physical id, so CloudFormation
 * deletes, that is deregisters, the old one once the stack has moved on).
 */
const taskDefinitionRequest = z.looseObject({
  family: z.string().min(1).max(255),
  containerDefinitions: z.array(z.unknown()).min(1),
});

/**
 * The tag that makes a revision remember the CloudFormation request that
 * registered it: a repeated Create or Update (same RequestId) finds it and
 * registers nothing.
 */
export const REQUEST_TAG = 'berth:cloudformation:request-id';

export const taskDefinitionResource: ResourceHandler = {
  schema: taskDefinitionRequest,
  create: (berth, request, requestId) => register(berth, request, requestId),
  update: (berth, request, _old, _physicalId, requestId) => register(berth, request, requestId),

  async delete(berth, physicalId) {
    if (!physicalId.includes(':task-definition/')) return { PhysicalResourceId: physicalId };
    const current = await describe(berth, physicalId);
    if (current?.status === 'ACTIVE') {
      await berth.call('DeregisterTaskDefinition', (ecs) =>
        ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: physicalId })),
      );
    }
    return { PhysicalResourceId: physicalId };
  },
};

async function register(berth: Berth, request: Record<string, unknown>, requestId: string): Promise<OnEventResult> {
  const { family } = taskDefinitionRequest.parse(request);
  const latest = await describe(berth, family);
  if (latest?.tags.some((t) => t.key === REQUEST_TAG && t.value === requestId)) return answer(latest.arn);
  // The request's members past family and containerDefinitions are the ECS
  // API's to check: Berth's endpoint validates them and refuses the whole
  // registration on any bad one.
  const input = request as unknown as RegisterTaskDefinitionCommandInput;
  const tags: Tag[] = [...(input.tags ?? []), { key: REQUEST_TAG, value: requestId }];
  const out = await berth.call('RegisterTaskDefinition', (ecs) =>
    ecs.send(new RegisterTaskDefinitionCommand({ ...input, tags })),
  );
  const arn = out.taskDefinition?.taskDefinitionArn;
  if (!arn) throw new ProvisionerError('RegisterTaskDefinition answered no taskDefinitionArn');
  return answer(arn);
}

function answer(arn: string): OnEventResult {
  return { PhysicalResourceId: arn, Data: { Arn: arn, Revision: arn.split(':').pop() ?? '' } };
}

/** The revision (or a family's latest ACTIVE one) with its tags; undefined when there is none. */
async function describe(
  berth: Berth,
  taskDefinition: string,
): Promise<{ arn: string; status: string; tags: Tag[] } | undefined> {
  try {
    const out = await berth.call('DescribeTaskDefinition', (ecs) =>
      ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition, include: ['TAGS'] })),
    );
    const arn = out.taskDefinition?.taskDefinitionArn;
    return arn ? { arn, status: out.taskDefinition?.status ?? 'ACTIVE', tags: out.tags ?? [] } : undefined;
  } catch (error) {
    // ECS answers ClientException for a family or revision it does not know.
    if (error instanceof ProvisionerError && error.cause instanceof Error && error.cause.name === 'ClientException') {
      return undefined;
    }
    throw error;
  }
}
