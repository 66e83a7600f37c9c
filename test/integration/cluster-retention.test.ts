import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbJsonClient, type DynamoDbJsonClient } from '#functions/adapters/dynamodb-json-client.ts';
import { createDynamoDbStore } from '#functions/adapters/dynamodb-store.ts';
import { ensureTable } from '#functions/adapters/dynamodb-table.ts';
import { controlContext } from '#functions/runtime/control-context.ts';
import { startEmbeddedDynamoDb, type EmbeddedDynamoDb } from '#functions/runtime/embedded-dynamodb.ts';
import { parseEnvironment } from '#functions/runtime/env.ts';
import {
  createCluster,
  deleteCluster,
  describeClusters,
  INACTIVE_CLUSTER_RETENTION_SECONDS,
} from '#shared/control/clusters.ts';
import type { ControlContext } from '#shared/control/context.ts';
import { ManualClock } from '#shared/ports/clock.ts';

/** A deleted cluster is describable as INACTIVE for its retention, then gone; a revived one never expires. */
describe('a deleted cluster over time', () => {
  let dynamo: EmbeddedDynamoDb;
  let calls: DynamoDbJsonClient;
  let ctx: ControlContext;
  const clock = new ManualClock(1_700_000_000_000);

  beforeAll(async () => {
    dynamo = await startEmbeddedDynamoDb();
    const config = { endpoint: dynamo.endpoint, region: dynamo.region, credentials: dynamo.credentials };
    const admin = new DynamoDBClient(config);
    await ensureTable(admin, 'berth');
    admin.destroy();
    calls = createDynamoDbJsonClient(config);
    ctx = controlContext(parseEnvironment({}), {
      store: createDynamoDbStore({ client: calls, tableName: 'berth', now: () => clock.now() }),
      reconcile: { requestReconcile: async () => {} },
      clock,
    });
  });
  afterAll(async () => {
    calls?.destroy();
    await dynamo?.close();
  });

  const statusOf = async (name: string) => (await describeClusters(ctx, [name])).clusters[0]?.cluster.status;

  it('stays INACTIVE until its retention has passed, then is missing', async () => {
    await createCluster(ctx, { clusterName: 'brief' });
    await deleteCluster(ctx, 'brief');
    clock.advance((INACTIVE_CLUSTER_RETENTION_SECONDS - 1) * 1000);
    expect(await statusOf('brief')).toBe('INACTIVE');
    clock.advance(2000);
    expect((await describeClusters(ctx, ['brief'])).missing).toEqual(['brief']);
  });

  it('does not expire a cluster created again after its deletion', async () => {
    await createCluster(ctx, { clusterName: 'again' });
    await deleteCluster(ctx, 'again');
    await createCluster(ctx, { clusterName: 'again' });
    clock.advance((INACTIVE_CLUSTER_RETENTION_SECONDS + 10) * 1000);
    expect(await statusOf('again')).toBe('ACTIVE');
  });
});
