import { describe, expect, it } from 'vitest';
import { removeOrphanNetworks } from '#agent/engine/network-sweep.ts';
import { networkSelector, taskNetwork } from '#shared/agent/task-network.ts';
import { FakeContainerRuntime } from '#test/support/fake-container-runtime.ts';
import { aSpec } from '../../shared/agent/fixtures.ts';

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

describe('the sweep of task networks', () => {
  it('removes the networks of tasks the agent no longer runs, and only its own', async () => {
    const runtime = new FakeContainerRuntime();
    const network = (taskId: string, instanceId = 'i-1') => {
      const pair = [
        { name: 'web', image: 'busybox' },
        { name: 'db', image: 'busybox' },
      ];
      const made = taskNetwork({ ...aSpec(pair), taskId }, instanceId);
      if (!made) throw new Error('a bridge task has a network');
      return made;
    };
    for (const n of [network('live'), network('gone'), network('other', 'i-2')]) await runtime.ensureNetwork(n);

    await removeOrphanNetworks(runtime, networkSelector('c1', 'i-1'), new Set(['live']), quiet);

    expect([...runtime.networks.keys()].sort()).toEqual(['berth-task-live', 'berth-task-other']);
  });
});
