import {
  CreateClusterCommand,
  CreateServiceCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import type { SQSRecord } from 'aws-lambda';
import { sqsRecord } from '../support/sqs-records.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tasks } from '#shared/domain/collections.ts';
import { readAll } from '#shared/control/listing.ts';
import { reconcileCluster } from '#shared/control/reconcile/reconcile-cluster.ts';
import { processBatch } from '#functions/scheduler/process-batch.ts';
import { silentLogger } from '#functions/runtime/logger.ts';
import { registerInstance, startBerth } from '../support/berth.ts';

const CLUSTER = 'dupes';

function record(id: string): SQSRecord {
  const body = JSON.stringify({ cluster: CLUSTER, reason: 'injected', requestedAt: Number(id.replace(/\D/g, '')) });
  return sqsRecord(id, body, CLUSTER, 2);
}

/**
 * The scheduler under duplicate and reordered delivery: the same reconcile
 * requests, delivered again, out of order and in overlapping batches, while a
 * deployment is in progress. The service write fences each pass, so the
 * count of tasks not yet stopped never goes above maximumPercent.
 */
describe('duplicate and reordered reconcile delivery', () => {
  let berth: Awaited<ReturnType<typeof startBerth>>;
  beforeAll(async () => {
    berth = await startBerth();
    await berth.ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({ family: 'd', containerDefinitions: [{ name: 'a', image: 'a', memory: 32 }] }),
    );
    await registerInstance(berth, CLUSTER, { cpu: 4096, memory: 4096 });
    await registerInstance(berth, CLUSTER, { cpu: 4096, memory: 4096 });
  });
  afterAll(async () => {
    await berth?.stop();
  });

  const occupying = async () =>
    (await readAll(berth.ctx.store, tasks, tasks.partition(CLUSTER))).filter((t) => t.value.lastStatus !== 'STOPPED')
      .length;

  it('never holds more than maximumPercent of desired', async () => {
    await berth.ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'd',
        taskDefinition: 'd',
        desiredCount: 4,
        deploymentConfiguration: { minimumHealthyPercent: 50, maximumPercent: 150 },
      }),
    );
    const bursts = [
      () => Promise.all(Array.from({ length: 6 }, () => reconcileCluster(berth.ctx, CLUSTER))),
      () =>
        Promise.all([
          processBatch(berth.ctx, { Records: [record('m3'), record('m1'), record('m2')] }, silentLogger),
          reconcileCluster(berth.ctx, CLUSTER),
        ]),
      () =>
        Promise.all([
          processBatch(berth.ctx, { Records: [record('m1'), record('m1')] }, silentLogger),
          processBatch(berth.ctx, { Records: [record('m2')] }, silentLogger),
        ]),
    ];
    const samples: number[] = [];
    for (const burst of bursts) {
      await burst();
      samples.push(await occupying());
    }
    // However many passes ran, the service settled on exactly its desired count.
    await berth.queue.whenIdle(10_000);
    expect(await occupying()).toBe(4);
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({ family: 'd', containerDefinitions: [{ name: 'a', image: 'b', memory: 32 }] }),
    );
    await berth.ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'd', taskDefinition: 'd:2' }));
    for (const burst of [...bursts, ...bursts]) {
      await burst();
      samples.push(await occupying());
    }
    await berth.queue.whenIdle(10_000);
    samples.push(await occupying());
    expect(Math.max(...samples)).toBeLessThanOrEqual(6);
    // The deployment did start replacing: more than the desired count ran at some point.
    expect(Math.max(...samples)).toBeGreaterThan(4);
  });
});
