import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweep } from '#functions/monitor/sweep.ts';
import { silentLogger } from '#functions/runtime/logger.ts';
import type { ControlContext } from '#shared/control/context.ts';
import { disconnectInstance } from '#shared/control/disconnect.ts';
import { heartbeat } from '#shared/control/instances.ts';
import { writeLease } from '#shared/control/lease.ts';
import { containerInstances, instanceLeases } from '#shared/domain/collections.ts';
import type { Collection, Store } from '#shared/ports/store.ts';
import { agentCall } from '../support/agent-request.ts';
import { registerInstance, startBerthWithCluster, type TestBerth } from '../support/berth.ts';

const CLUSTER = 'lease';

/**
 * The agent's lease lives in an item of its own: renewing it leaves the
 * instance item (and its assignments) unwritten, and the monitor fences it
 * before declaring the instance disconnected, so a renewal racing that
 * decision is never lost.
 */
describe('the instance lease', () => {
  let berth: TestBerth;

  beforeAll(async () => {
    berth = await startBerthWithCluster(CLUSTER);
  });
  afterAll(async () => {
    await berth?.stop();
  });

  /** The control plane as it will be `ms` from now. */
  const after = (ms: number): ControlContext => ({
    ...berth.ctx,
    clock: { ...berth.ctx.clock, now: () => Date.now() + ms },
  });
  const instanceItem = (id: string) => berth.ctx.store.get(containerInstances, containerInstances.key(CLUSTER, id));
  const leaseItem = (id: string) => berth.ctx.store.get(instanceLeases, instanceLeases.key(CLUSTER, id));
  const register = () => registerInstance(berth, CLUSTER, { cpu: 1024, memory: 1024 });
  const poll = (agent: Awaited<ReturnType<typeof register>>) => agentCall(berth.endpoint, CLUSTER, agent, 'poll');

  it('is renewed in its own item once half the TTL has passed, leaving the instance item unwritten', async () => {
    const agent = await register();
    const before = await instanceItem(agent.instanceId);
    const started = await leaseItem(agent.instanceId);
    expect(started?.value).toMatchObject({ fenced: false });

    await heartbeat(after(5_000), CLUSTER, agent.instanceId, agent.epoch);
    expect((await leaseItem(agent.instanceId))?.version).toBe(started?.version);

    const later = after(20_000);
    await heartbeat(later, CLUSTER, agent.instanceId, agent.epoch);
    const renewed = await leaseItem(agent.instanceId);
    expect(renewed?.version).toBe((started?.version ?? 0) + 1);
    expect(renewed?.value.renewedAt).toBeGreaterThanOrEqual(Date.now() + 19_000);
    expect((await instanceItem(agent.instanceId))?.version).toBe(before?.version);
  });

  it('keeps an instance connected whose agent renewed between the sweep’s read and its fence', async () => {
    const agent = await register();
    const later = after(60_000);
    // The store the disconnect uses: the agent renews right after the lease is read.
    let raced = false;
    const racing: Store = {
      ...berth.ctx.store,
      get: (async <T>(collection: Collection<T>, key: { partition: string; sort: string }) => {
        const found = await berth.ctx.store.get(collection, key);
        if (collection === (instanceLeases as unknown) && !raced) {
          raced = true;
          await heartbeat(later, CLUSTER, agent.instanceId, agent.epoch);
        }
        return found;
      }) as Store['get'],
    };
    expect(await disconnectInstance({ ...later, store: racing }, CLUSTER, agent.instanceId)).toBe(false);
    expect(raced).toBe(true);
    const instance = await instanceItem(agent.instanceId);
    expect(instance?.value).toMatchObject({ agentConnected: true, epoch: agent.epoch });
    expect((await leaseItem(agent.instanceId))?.value.fenced).toBe(false);
  });

  it('refuses a renewal once fenced; the agent registers again and goes on at the same epoch', async () => {
    const agent = await register();
    // A sweep fenced the lease and stopped there.
    const lease = await leaseItem(agent.instanceId);
    expect(await writeLease(berth.ctx, CLUSTER, agent.instanceId, lease, (l) => l && { ...l, fenced: true })).toBe(
      true,
    );

    const refused = await poll(agent);
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ code: 'InstanceFenced' });

    const again = await registerInstance(berth, CLUSTER, { cpu: 1024, memory: 1024 }, { instanceId: agent.instanceId });
    expect(again).toMatchObject({ instanceId: agent.instanceId, epoch: agent.epoch });
    expect((await poll(agent)).status).toBe(200);
    expect((await leaseItem(agent.instanceId))?.value.fenced).toBe(false);
  });

  it('finishes at the next sweep a disconnect that stopped after fencing', async () => {
    const agent = await register();
    const later = after(60_000);
    const lease = await leaseItem(agent.instanceId);
    await writeLease(later, CLUSTER, agent.instanceId, lease, (l) => l && { ...l, fenced: true });
    expect((await instanceItem(agent.instanceId))?.value.agentConnected).toBe(true);

    expect((await sweep(later, silentLogger)).disconnected).toBeGreaterThanOrEqual(1);
    expect((await instanceItem(agent.instanceId))?.value).toMatchObject({
      agentConnected: false,
      epoch: agent.epoch + 1,
    });
  });
});
