import { DescribeContainerInstancesCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containerInstances } from '#shared/domain/collections.ts';
import { agentCall } from '../support/agent-request.ts';
import { registerInstance, startBerthWithCluster, type TestBerth } from '../support/berth.ts';

const CLUSTER = 'engine-status';

/** What the agent's polls say of its container engine becomes the instance attribute berth.docker.status. */
describe('the container engine status an agent reports', () => {
  let berth: TestBerth;

  beforeAll(async () => {
    berth = await startBerthWithCluster(CLUSTER);
  });
  afterAll(async () => {
    await berth?.stop();
  });

  const register = () => registerInstance(berth, CLUSTER, { cpu: 1024, memory: 1024 });
  type Agent = Awaited<ReturnType<typeof register>>;
  const poll = (agent: Agent, body: Record<string, unknown>) => agentCall(berth.endpoint, CLUSTER, agent, 'poll', body);
  const statusAttribute = async (agent: Agent) => {
    const described = await berth.ecs.send(
      new DescribeContainerInstancesCommand({ cluster: CLUSTER, containerInstances: [agent.instanceId] }),
    );
    return described.containerInstances?.[0]?.attributes?.find((a) => a.name === 'berth.docker.status')?.value;
  };
  const instanceVersion = async (agent: Agent) =>
    (await berth.ctx.store.get(containerInstances, containerInstances.key(CLUSTER, agent.instanceId)))?.version;

  it('shows unresponsive, then responsive again, writing the instance only when it changes', async () => {
    const agent = await register();
    expect((await poll(agent, { engineStatus: 'UNRESPONSIVE' })).status).toBe(200);
    expect(await statusAttribute(agent)).toBe('unresponsive');

    const version = await instanceVersion(agent);
    expect((await poll(agent, { engineStatus: 'UNRESPONSIVE' })).status).toBe(200);
    expect(await instanceVersion(agent)).toBe(version);

    expect((await poll(agent, { engineStatus: 'RESPONSIVE' })).status).toBe(200);
    expect(await statusAttribute(agent)).toBe('responsive');
  });

  it('refuses a status it does not know, naming the member', async () => {
    const agent = await register();
    const answer = await poll(agent, { engineStatus: 'SLEEPY' });
    expect(answer.status).toBe(400);
    expect(await answer.text()).toMatch(/engineStatus/);
    expect(await statusAttribute(agent)).toBeUndefined();
  });
});
