import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlContext } from '#functions/runtime/control-context.ts';
import { parseEnvironment } from '#functions/runtime/env.ts';
import { createCluster } from '#shared/control/clusters.ts';
import type { ControlContext } from '#shared/control/context.ts';
import { recordMetrics } from '#shared/control/metrics-intake.ts';
import { serviceMetrics } from '#shared/control/service-metrics.ts';
import { METRIC_WINDOW_SECONDS } from '#shared/control/scaling-evaluation.ts';
import { instanceMetricsWindows } from '#shared/domain/collections.ts';
import { METRICS_BUCKET_MS, METRICS_REWRITE_SPACING_MS } from '#shared/domain/metrics-window.ts';
import { ManualClock } from '#shared/ports/clock.ts';
import type { TaskMetrics } from '#shared/schemas/task-metrics.ts';
import { anAssignment, anInstance } from '../fixtures/entities.ts';
import { startEmbeddedStore, type EmbeddedStore } from '../support/embedded-store.ts';

const CLUSTER = 'intake';
/** Two tasks of service web reserving 100 cpu units each, and one of service api. */
const instance = anInstance({
  clusterName: CLUSTER,
  assignments: {
    w1: anAssignment('w1', { group: 'service:web', cpu: 100 }),
    w2: anAssignment('w2', { group: 'service:web', cpu: 100 }),
    a1: anAssignment('a1', { group: 'service:api', cpu: 100 }),
  },
});
const sample = (taskId: string, cpuUsed: number): TaskMetrics => ({ taskId, cpuUsed, memoryUsedMiB: 64, sampledAt: 0 });

/**
 * The metrics intake over the real store, on a manual clock: how soon a
 * change of load is what the scaling evaluation reads, and how many writes
 * the instance's window item costs for it.
 */
describe('recording a poll of task samples', () => {
  let table: EmbeddedStore;
  let ctx: ControlContext;
  // A minute and a second: a poll at the start of a minute, as the first of each minute.
  const clock = new ManualClock(28_333_333 * METRICS_BUCKET_MS + 1_000);

  beforeAll(async () => {
    table = await startEmbeddedStore({ now: () => clock.now() });
    ctx = controlContext(parseEnvironment({}), {
      store: table.newStore(),
      reconcile: { requestReconcile: async () => {} },
      clock,
    });
    await createCluster(ctx, { clusterName: CLUSTER });
  });
  afterAll(async () => {
    await table?.close();
  });

  const version = async () =>
    (await ctx.store.get(instanceMetricsWindows, instanceMetricsWindows.key(CLUSTER, instance.id)))?.version ?? 0;
  const cpu = async (service: string) =>
    (await serviceMetrics(ctx, CLUSTER, service, METRIC_WINDOW_SECONDS)).cpuUtilization;
  /** A poll every 2 s for `seconds`, each carrying the same samples. */
  async function pollFor(seconds: number, samples: TaskMetrics[]): Promise<void> {
    for (let t = 0; t < seconds; t += 2) {
      await recordMetrics(ctx, instance, samples);
      clock.advance(2_000);
    }
  }

  it('shows a rise of load within the spacing, in the same minute, and then writes no more while it holds', async () => {
    await pollFor(10, [sample('w1', 10), sample('w2', 10)]);
    expect(await cpu('web')).toBe(10);
    const idle = await version();
    expect(idle).toBe(1);

    await pollFor(METRICS_REWRITE_SPACING_MS / 1000, [sample('w1', 90), sample('w2', 90)]);
    // Both buckets of the last minute's reading are this minute's, the idle one replaced.
    expect(await cpu('web')).toBe(90);
    expect(await version()).toBe(idle + 1);

    await pollFor(30, [sample('w1', 92), sample('w2', 88)]);
    expect(await version()).toBe(idle + 1);
  });

  it('takes in a service the minute was first written without', async () => {
    const before = await version();
    await pollFor(METRICS_REWRITE_SPACING_MS / 1000, [sample('a1', 70)]);
    expect(await cpu('api')).toBe(70);
    // The poll carried no sample of web: web keeps its sums for the minute.
    expect(await cpu('web')).toBe(90);
    expect(await version()).toBe(before + 1);
  });
});
