import { ProvisionerError } from './errors.ts';

/**
 * A delete that finds nothing has nothing to do: the resource is already
 * gone, or its create failed before making it (CloudFormation then deletes a
 * physical id that names nothing).
 */
const GONE = /^(ClusterNotFoundException|ServiceNotFoundException|ServiceNotActiveException)$/;

export function isNotFound(error: unknown): boolean {
  const cause = error instanceof ProvisionerError ? error.cause : error;
  return cause instanceof Error && GONE.test(cause.name);
}
