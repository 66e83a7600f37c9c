import { InvalidParameterError } from '../domain/errors.ts';
import type { CreateTaskSetRequest } from '../schemas/task-set-requests.ts';

/**
 * What a CreateTaskSet may ask for that Berth's task sets do not do yet:
 * traffic wiring per task set (load balancers, Cloud Map, awsvpc) and
 * launch types other than EC2 and EXTERNAL. Accepted when empty, refused
 * by name otherwise, so nothing is silently ignored.
 */
export function assertTaskSetRequestSupported(request: CreateTaskSetRequest): void {
  const unsupported = (member: string) =>
    new InvalidParameterError(`${member} is not supported on task sets by Berth yet: leave it out or empty`);
  if ((request.loadBalancers?.length ?? 0) > 0) throw unsupported('loadBalancers');
  if ((request.serviceRegistries?.length ?? 0) > 0) throw unsupported('serviceRegistries');
  if (request.networkConfiguration !== undefined && Object.keys(request.networkConfiguration).length > 0) {
    throw unsupported('networkConfiguration');
  }
  if ((request.capacityProviderStrategy?.length ?? 0) > 0) throw unsupported('capacityProviderStrategy');
  if (request.platformVersion !== undefined) throw unsupported('platformVersion');
  if (request.launchType === 'FARGATE' || request.launchType === 'MANAGED_INSTANCES') {
    throw new InvalidParameterError(`launchType ${request.launchType} is not supported by Berth: use EC2 or EXTERNAL`);
  }
}
