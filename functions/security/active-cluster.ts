import { clusters } from '#shared/domain/collections.ts';
import { NotFoundError } from '#shared/domain/errors.ts';
import type { Store } from '#shared/ports/store.ts';

/**
 * The admin API's settings and tokens belong to an existing cluster: a
 * misspelt name is ECS's ClusterNotFoundException, not a policy nobody reads
 * or a token no agent can use.
 */
export async function requireActiveClusterNamed(store: Store, name: string): Promise<void> {
  const found = await store.get(clusters, clusters.key(name));
  if (!found || found.value.status !== 'ACTIVE')
    throw new NotFoundError('cluster', 'Cluster not found.', { cluster: name });
}
