import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlContext } from '#functions/runtime/control-context.ts';
import { parseEnvironment } from '#functions/runtime/env.ts';
import {
  createCluster,
  deleteCluster,
  describeClusters,
  INACTIVE_CLUSTER_RETENTION_SECONDS,
} from '#shared/control/clusters.ts';
import type { ControlContext } from '#shared/control/context.ts';
import { ManualClock } from '#shared/ports/clock.ts';
import { startEmbeddedStore, type EmbeddedStore } from '../support/embedded-store.ts';

/** A deleted cluster is describable as INACTIVE for its retention, then gone; a revived one never expires. */
describe('a deleted cluster over time', () => {
  let table: EmbeddedStore;
  let ctx: ControlContext;
  const clock = new ManualClock(1_700_000_000_000);

  beforeAll(async () => {
    table = await startEmbeddedStore({ now: () => clock.now() });
    ctx = controlContext(parseEnvironment({}), {
      store: table.newStore(),
      reconcile: { requestReconcile: async () => {} },
      clock,
    });
  });
  afterAll(async () => {
    await table?.close();
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
