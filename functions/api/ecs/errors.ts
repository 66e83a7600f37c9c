import type { z } from 'zod';
import {
  BerthError,
  ClientError,
  ClusterNotEmptyError,
  InvalidParameterError,
  ItemTooLargeError,
  NotFoundError,
  ResourceInUseError,
  ServiceNotActiveError,
  StateConflictError,
  VersionConflictError,
} from '#shared/domain/errors.ts';
import { isContainerClientMessage } from '#shared/schemas/container-messages.ts';
import { GuardRefusal } from '../guard.ts';
import { AttributeLimitExceededError } from '#shared/control/attributes.ts';

/** An error as the ECS JSON protocol carries it: a type name, an HTTP status, a message. */
export interface EcsErrorShape {
  readonly type: string;
  readonly status: 400 | 403 | 404 | 409 | 500;
  readonly message: string;
}

/** The protocol's own errors, raised before any operation runs. */
export class ProtocolError extends BerthError {
  override readonly name = 'ProtocolError';
  readonly code: string;
  constructor(code: 'SerializationException' | 'UnknownOperationException', message: string) {
    super(message);
    this.code = code;
  }
}

const notFoundTypes: Record<NotFoundError['kind'], string> = {
  cluster: 'ClusterNotFoundException',
  taskDefinition: 'ClientException',
  task: 'InvalidParameterException',
  containerInstance: 'InvalidParameterException',
  service: 'ServiceNotFoundException',
  serviceDeployment: 'ServiceDeploymentNotFoundException',
  attribute: 'TargetNotFoundException',
  namespace: 'NamespaceNotFoundException',
  taggedResource: 'ResourceNotFoundException',
  taskSet: 'TaskSetNotFoundException',
};

const notEmptyTypes: Record<ClusterNotEmptyError['holds'], string> = {
  containerInstances: 'ClusterContainsContainerInstancesException',
  tasks: 'ClusterContainsTasksException',
  services: 'ClusterContainsServicesException',
};

/** The single place where Berth's errors become ECS error types. */
export function toEcsError(error: unknown): EcsErrorShape | undefined {
  if (error instanceof GuardRefusal) return { type: error.type, status: error.status, message: error.message };
  if (error instanceof ProtocolError) return { type: error.code, status: 400, message: error.message };
  if (error instanceof InvalidParameterError)
    return { type: 'InvalidParameterException', status: 400, message: error.message };
  if (error instanceof AttributeLimitExceededError) {
    return { type: 'AttributeLimitExceededException', status: 400, message: error.message };
  }
  if (error instanceof ClientError || error instanceof ItemTooLargeError) {
    return { type: 'ClientException', status: 400, message: error.message };
  }
  if (error instanceof ResourceInUseError)
    return { type: 'ResourceInUseException', status: 400, message: error.message };
  if (error instanceof NotFoundError) return { type: notFoundTypes[error.kind], status: 400, message: error.message };
  if (error instanceof ClusterNotEmptyError)
    return { type: notEmptyTypes[error.holds], status: 400, message: error.message };
  if (error instanceof ServiceNotActiveError)
    return { type: 'ServiceNotActiveException', status: 400, message: error.message };
  if (error instanceof StateConflictError) return { type: 'ConflictException', status: 400, message: error.message };
  if (error instanceof VersionConflictError) {
    return {
      type: 'ConflictException',
      status: 409,
      message: 'The resource was modified concurrently; retry the request',
    };
  }
  return undefined;
}

/**
 * A request that fails its schema. A field Berth does not know is a
 * ClientException; a missing or mistyped one an InvalidParameterException,
 * each naming the field.
 */
export function fromSchemaError(error: z.ZodError): BerthError {
  const issue = error.issues[0];
  const path = issue && issue.path.length > 0 ? issue.path.join('.') : '(request)';
  // ECS answers the common mistakes in a task definition's containers with its
  // own words, as they are; the same bounds met in RunTask's overrides keep
  // the member's path.
  if (issue && issue.path[0] === 'containerDefinitions' && isContainerClientMessage(issue.message)) {
    return new ClientError(issue.message);
  }
  if (issue?.code === 'unrecognized_keys') {
    return new ClientError(`Unknown field(s) ${issue.keys.map((k) => `'${k}'`).join(', ')} at ${path}`);
  }
  const count = error.issues.length;
  const message = issue ? `${path}: ${issue.message}` : 'invalid request';
  return new InvalidParameterError(`${count} validation error${count === 1 ? '' : 's'} detected: ${message}`);
}
