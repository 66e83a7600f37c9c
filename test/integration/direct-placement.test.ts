import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInProcessQueue } from '#functions/adapters/in-process-queue.ts';
import { queueReconciles } from '#functions/adapters/reconcile-queue.ts';
import { controlContext } from '#functions/runtime/control-context.ts';
import { parseEnvironment } from '#functions/runtime/env.ts';
import { containerInstances } from '#shared/domain/collections.ts';
import { createCluster } from '#shared/control/clusters.ts';
import type { ControlContext } from '#shared/control/context.ts';
import { registerInstance } from '#shared/control/instances.ts';
import { runTask } from '#shared/control/tasks.ts';
import { registerTaskDefinition } from '#shared/control/task-definitions.ts';
import { startEmbeddedStore, type EmbeddedStore } from '../support/embedded-store.ts';

/**
 * Two control planes over one table, as two Lambda instances are: each
 * remembers the fleet as it last read it, so one's view goes stale when the
 * other places. A stale view must never over-commit an instance: its write
 * loses the race, the instance is read again, and the answer is the truth.
 */
describe('direct placement from two processes over one table', () => {
  let table: EmbeddedStore;
  let first: ControlContext;
  let second: ControlContext;
  const queue = createInProcessQueue({ visibilityTimeoutSeconds: 30, maxReceiveCount: 5 });

  beforeAll(async () => {
    table = await startEmbeddedStore();
    const env = parseEnvironment({});
    // Two stores: two remembered fleets, as two processes have.
    const contextOver = () =>
      controlContext(env, {
        store: table.newStore(),
        reconcile: queueReconciles(queue),
      });
    first = contextOver();
    second = contextOver();
    await createCluster(first, { clusterName: 'shared' });
    await registerTaskDefinition(first, {
      family: 'half',
      containerDefinitions: [{ name: 'app', image: 'busybox', cpu: 128, memory: 64, essential: true }],
    });
  });
  afterAll(async () => {
    queue.close();
    await table?.close();
  });

  it('answers RESOURCE:CPU from a stale view instead of over-committing', async () => {
    const instance = await registerInstance(first, 'shared', {
      resources: { cpu: 256, memory: 1024, reservedPorts: [], reservedPortsUdp: [] },
      attributes: [],
      agentVersion: 'test',
    });
    const one = await runTask(first, { cluster: 'shared', taskDefinition: 'half' });
    expect(one.tasks).toHaveLength(1);
    // The second process fills the instance; the first still remembers half of it free.
    const two = await runTask(second, { cluster: 'shared', taskDefinition: 'half' });
    expect(two.tasks).toHaveLength(1);
    const three = await runTask(first, { cluster: 'shared', taskDefinition: 'half' });
    expect(three.tasks).toEqual([]);
    expect(three.failures.map((f) => f.reason)).toEqual(['RESOURCE:CPU']);

    const stored = await first.store.get(containerInstances, { partition: 'INSTANCE#shared', sort: instance.value.id });
    const assigned = Object.values(stored?.value.assignments ?? {});
    expect(assigned).toHaveLength(2);
    expect(assigned.reduce((sum, a) => sum + a.cpu, 0)).toBeLessThanOrEqual(256);
  });
});
