import { InvalidParameterError } from '../domain/errors.ts';
import type { CreateServiceRequest, UpdateServiceRequest } from '../schemas/service-requests.ts';
import type { Service } from '../schemas/service.ts';

/**
 * Which deployment controller a CreateService asks for, and the parameters
 * it rules out. With EXTERNAL the user's own tooling rolls out task sets:
 * the service names no task definition of its own (ECS: "TaskDefinition must
 * be blank"). CODE_DEPLOY needs AWS CodeDeploy, which Berth does not drive.
 */
export function deploymentControllerOf(request: CreateServiceRequest): Service['deploymentController'] {
  const type = request.deploymentController?.type ?? 'ECS';
  if (type === 'CODE_DEPLOY') {
    throw new InvalidParameterError(
      'deploymentController.type CODE_DEPLOY is not supported: Berth does not drive AWS CodeDeploy. Use ECS, or EXTERNAL with task sets.',
    );
  }
  if (type === 'ECS') {
    if (request.taskDefinition === undefined) throw new InvalidParameterError('taskDefinition is required');
    return type;
  }
  if (request.taskDefinition !== undefined) throw new InvalidParameterError('TaskDefinition must be blank');
  if (request.schedulingStrategy === 'DAEMON') {
    throw new InvalidParameterError(
      'The DAEMON scheduling strategy does not support the EXTERNAL deployment controller',
    );
  }
  return type;
}

/**
 * What an UpdateService may not change on an EXTERNAL service: the task
 * definition and deployments belong to its task sets (CreateTaskSet makes
 * a new one).
 */
export function assertExternalUpdate(service: Service, request: UpdateServiceRequest): void {
  if (service.deploymentController !== 'EXTERNAL') return;
  if (request.taskDefinition !== undefined) {
    throw new InvalidParameterError(
      'taskDefinition cannot be updated on a service with the EXTERNAL deployment controller: create a task set',
    );
  }
  if (request.forceNewDeployment === true) {
    throw new InvalidParameterError(
      'forceNewDeployment is not supported on a service with the EXTERNAL deployment controller: create a task set',
    );
  }
}
