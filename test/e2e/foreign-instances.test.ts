import { DeregisterContainerInstanceCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentCall, agentPost } from '../support/agent-request.ts';
import { registerInstance, startBerthWithCluster, type TestBerth } from '../support/berth.ts';

const CLUSTER = 'foreign-instances';

/** An agent asks whether any agent still answers for instances whose containers it found on its host. */
describe('the foreign instances an agent asks about', () => {
  let berth: TestBerth;

  beforeAll(async () => {
    berth = await startBerthWithCluster(CLUSTER);
  });
  afterAll(async () => {
    await berth?.stop();
  });

  const register = () => registerInstance(berth, CLUSTER, { cpu: 1024, memory: 1024 });
  type Agent = Awaited<ReturnType<typeof register>>;
  const ask = (agent: Agent, body: Record<string, unknown>) =>
    agentCall(berth.endpoint, CLUSTER, agent, 'foreign-instances', body);

  it('answers live for a connected instance, not for a deregistered or unknown one', async () => {
    const [asker, other, gone] = [await register(), await register(), await register()];
    await berth.ecs.send(
      new DeregisterContainerInstanceCommand({ cluster: CLUSTER, containerInstance: gone.instanceId, force: true }),
    );
    const answer = await ask(asker, { instanceIds: [other.instanceId, gone.instanceId, 'no-such-instance'] });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({
      instances: [
        { instanceId: other.instanceId, live: true },
        { instanceId: gone.instanceId, live: false },
        { instanceId: 'no-such-instance', live: false },
      ],
    });
  });

  it('answers only for the credential’s own instance', async () => {
    const [asker, other] = [await register(), await register()];
    const borrowed = await agentPost(
      berth.endpoint,
      { cluster: CLUSTER, instanceId: other.instanceId, call: 'foreign-instances' },
      asker.credential.token,
      { epoch: other.epoch, instanceIds: [asker.instanceId] },
    );
    expect(borrowed.status).toBe(403);
  });

  it('refuses a stale epoch and a malformed list, naming the member', async () => {
    const asker = await register();
    const stale = await ask(asker, { epoch: asker.epoch + 5, instanceIds: ['x'] });
    expect(stale.status).toBe(409);
    const empty = await ask(asker, { instanceIds: [] });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toMatch(/instanceIds/);
  });
});
