import { CreateClusterCommand, RegisterTaskDefinitionCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import type { SQSEvent } from 'aws-lambda';
import { sqsRecord } from '../support/sqs-records.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containerInstances, tasks } from '#shared/domain/collections.ts';
import { readAll } from '#shared/control/listing.ts';
import { reconcileCluster } from '#shared/control/reconcile/reconcile-cluster.ts';
import { processBatch } from '#functions/scheduler/process-batch.ts';
import { silentLogger } from '#functions/runtime/logger.ts';
import { registerInstance, startBerth } from '../support/berth.ts';

const record = (id: string, body: string, group: string) => sqsRecord(id, body, group);

describe('the scheduler', () => {
  let berth: Awaited<ReturnType<typeof startBerth>>;
  beforeAll(async () => {
    berth = await startBerth();
    await berth.ecs.send(new CreateClusterCommand({ clusterName: 'sched' }));
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 's',
        containerDefinitions: [{ name: 'a', image: 'a', memory: 100 }],
      }),
    );
    await registerInstance(berth, 'sched', { cpu: 1024, memory: 1000 });
    await registerInstance(berth, 'sched', { cpu: 1024, memory: 1000 });
  });
  afterAll(async () => {
    await berth?.stop();
  });

  it('places each task exactly once under duplicate, concurrent passes', async () => {
    await berth.queue.whenIdle(10_000);
    const run = await berth.ecs.send(new RunTaskCommand({ cluster: 'sched', taskDefinition: 's', count: 10 }));
    expect(run.tasks).toHaveLength(10);
    // The queue delivers one pass; these five run at the same time as it, as duplicate deliveries would.
    await Promise.all(Array.from({ length: 5 }, () => reconcileCluster(berth.ctx, 'sched')));
    await berth.queue.whenIdle(10_000);
    await reconcileCluster(berth.ctx, 'sched');

    const all = (await readAll(berth.ctx.store, tasks, 'TASK#sched')).map((t) => t.value);
    const instances = (await readAll(berth.ctx.store, containerInstances, 'INSTANCE#sched')).map((i) => i.value);
    const holders = new Map<string, string[]>();
    for (const i of instances)
      for (const id of Object.keys(i.assignments)) holders.set(id, [...(holders.get(id) ?? []), i.id]);
    for (const t of all) {
      expect(t.lastStatus).toBe('PENDING');
      expect(holders.get(t.taskId)).toEqual([t.containerInstanceId]);
    }
    for (const i of instances) {
      expect(Object.values(i.assignments).reduce((s, a) => s + a.memory, 0)).toBeLessThanOrEqual(i.registered.memory);
    }
  });

  it('reports a poison message as a failure and reconciles the rest of the batch', async () => {
    const good = JSON.stringify({ cluster: 'sched', reason: 'test', requestedAt: 1 });
    const event: SQSEvent = {
      Records: [record('m1', 'not json', 'sched'), record('m2', good, 'sched'), record('m3', '{"cluster":""}', 'x')],
    };
    const response = await processBatch(berth.ctx, event, silentLogger);
    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['m1', 'm3']);
  });

  it('fails every message of a cluster whose pass fails, so the group keeps its order', async () => {
    const broken = {
      ...berth.ctx,
      store: { ...berth.ctx.store, query: async () => Promise.reject(new Error('table unavailable')) },
    };
    const body = JSON.stringify({ cluster: 'sched', reason: 'test', requestedAt: 1 });
    const response = await processBatch(
      broken,
      { Records: [record('a', body, 'sched'), record('b', body, 'sched')] },
      silentLogger,
    );
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['a', 'b']);
  });

  it('records each record’s queue age and each cluster pass’s duration and placements', async () => {
    const body = JSON.stringify({ cluster: 'sched', reason: 'test', requestedAt: 1 });
    const sentAt = berth.ctx.clock.now() - 2_000;
    const sent = (id: string) => {
      const base = record(id, body, 'sched');
      return { ...base, attributes: { ...base.attributes, SentTimestamp: String(sentAt) } };
    };
    const recorded: [string, number][] = [];
    await processBatch(berth.ctx, { Records: [sent('q1'), sent('q2')] }, silentLogger, {
      add: (name, _unit, value) => recorded.push([name, value]),
    });
    expect(recorded.map(([name]) => name)).toEqual([
      'QueueAge',
      'QueueAge',
      'ReconcileDuration',
      'ReconcilePlacements',
    ]);
    expect(recorded.filter(([name]) => name === 'QueueAge').every(([, age]) => age >= 2_000)).toBe(true);
    expect(recorded.every(([, value]) => Number.isFinite(value) && value >= 0)).toBe(true);
  });
});
