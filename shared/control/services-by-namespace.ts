import { NotFoundError } from '../domain/errors.ts';
import type { ListServicesByNamespaceRequest } from '../schemas/namespace-requests.ts';

/**
 * Berth has no Cloud Map namespaces (no Service Connect), so no namespace a
 * caller names can exist. ECS answers a namespace it cannot find with
 * NamespaceNotFoundException rather than an empty list; so does Berth.
 */
export function listServicesByNamespace(request: ListServicesByNamespaceRequest): Promise<never> {
  return Promise.reject(
    new NotFoundError(
      'namespace',
      `Namespace ${JSON.stringify(request.namespace)} not found: Berth has no Cloud Map namespaces.`,
      { namespace: request.namespace },
    ),
  );
}
