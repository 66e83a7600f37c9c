import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordSweep } from '#shared/control/availability.ts';
import { createCluster } from '#shared/control/clusters.ts';
import type { ControlContext } from '#shared/control/context.ts';
import { registerTaskDefinition } from '#shared/control/task-definitions.ts';
import { clusters, controlPlanePulses, taskDefinitions } from '#shared/domain/collections.ts';
import { startBerth, type TestBerth } from '../support/berth.ts';
import { racingStore } from '../support/racing-store.ts';

/**
 * Control operations that lose a conditional write to another writer answer
 * as the winner leaves things, never with an error: another writer is put
 * between each operation's read and its write.
 */
describe('control operations that lose a race', () => {
  let berth: TestBerth;

  beforeAll(async () => {
    berth = await startBerth();
  });
  afterAll(async () => {
    await berth?.stop();
  });

  const racing = <T>(
    collection: Parameters<typeof racingStore<T>>[1],
    interfere: () => Promise<unknown>,
  ): ControlContext => ({
    ...berth.ctx,
    store: racingStore(berth.ctx.store, collection, 1, async () => {
      await interfere();
    }),
  });
  const definition = (family: string) => ({
    family,
    containerDefinitions: [{ name: 'a', image: 'busybox', memory: 64 }],
  });

  it('registers the next revision when another registration took this one', async () => {
    const ctx = racing(taskDefinitions, () => registerTaskDefinition(berth.ctx, definition('raced')));
    const mine = await registerTaskDefinition(ctx, definition('raced'));
    expect(mine.revision).toBe(2);
  });

  it('answers the cluster another CreateCluster made, without an error', async () => {
    const ctx = racing(clusters, () =>
      createCluster(berth.ctx, { clusterName: 'raced', tags: [{ key: 'by', value: 'winner' }] }),
    );
    const view = await createCluster(ctx, { clusterName: 'raced' });
    expect(view.cluster).toMatchObject({
      clusterName: 'raced',
      status: 'ACTIVE',
      tags: [{ key: 'by', value: 'winner' }],
    });
  });

  it('answers the pulse another sweep wrote when two sweeps race', async () => {
    const now = Date.now() + 3_600_000;
    const ctx = racing(controlPlanePulses, () => recordSweep(berth.ctx, now - 1_000, { connected: 0, silent: 0 }));
    const pulse = await recordSweep(ctx, now, { connected: 0, silent: 0 });
    // The winner's pulse (dev mode's own monitor may have swept since; it never sweeps at `now`).
    expect(pulse.lastSweepAt).not.toBe(now);
    expect((await berth.ctx.store.get(controlPlanePulses, controlPlanePulses.key()))?.value.lastSweepAt).not.toBe(now);
  });
});
