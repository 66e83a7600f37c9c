import { InvalidParameterError } from '../domain/errors.ts';
import type { CreateTaskSetRequest } from '../schemas/task-set-requests.ts';

/**
 * Launch types other than EC2 and EXTERNAL are refused by name. Traffic
 * wiring per task set (load balancers, Cloud Map, awsvpc) is answered "not
 * yet supported" by the model's member gate, as for services.
 */
export function assertTaskSetRequestSupported(request: CreateTaskSetRequest): void {
  if (request.launchType === 'FARGATE' || request.launchType === 'MANAGED_INSTANCES') {
    throw new InvalidParameterError(`launchType ${request.launchType} is not supported by Berth: use EC2 or EXTERNAL`);
  }
}
