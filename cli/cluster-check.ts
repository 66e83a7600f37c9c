import * as z from 'zod';
import type { SignedConnection } from './ecs-client.ts';
import { ClusterRefusal } from './fleet-snapshot.ts';
import { signedFetch } from './signed-fetch.ts';

const describeClustersAnswer = z.object({
  clusters: z.array(z.object({ clusterName: z.string().optional(), status: z.string().optional() })).default([]),
});
const errorAnswer = z.object({ __type: z.string(), message: z.string().optional() });

/** An ECS error answered to one of the CLI's own calls, named by its type. */
export class EcsCallError extends Error {
  constructor(type: string, message: string) {
    super(message);
    this.name = type.slice(type.lastIndexOf('#') + 1);
  }
}

/**
 * Refuses a cluster that is missing or INACTIVE, with one signed
 * DescribeClusters call (through the CLI's own fetch, so the plain-HTTP
 * guard and tests see it like every other call).
 */
export async function requireActiveCluster(
  connection: SignedConnection,
  cluster: string,
  baseFetch?: typeof fetch,
): Promise<void> {
  const send = signedFetch({
    credentials: connection.credentials,
    region: connection.region,
    ...(baseFetch && { fetch: baseFetch }),
  });
  const response = await send(`${connection.endpoint}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AmazonEC2ContainerServiceV20141113.DescribeClusters',
    },
    body: JSON.stringify({ clusters: [cluster] }),
  });
  const json: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const known = errorAnswer.safeParse(json);
    throw new EcsCallError(
      known.success ? known.data.__type : 'HttpError',
      known.data?.message ?? `HTTP ${response.status}`,
    );
  }
  const found = describeClustersAnswer.safeParse(json).data?.clusters[0];
  if (found?.status !== 'ACTIVE') {
    throw new ClusterRefusal(
      found ? `Cluster ${cluster} is ${found.status ?? 'not active'}.` : `Cluster not found: ${cluster}`,
    );
  }
}
