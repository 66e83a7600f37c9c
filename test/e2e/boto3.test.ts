import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBerth, type TestBerth } from '../support/berth.ts';
import { runBoto3Scenario } from '../support/boto3.ts';

describe('boto3 against dev mode', () => {
  let berth: TestBerth;
  beforeAll(async () => {
    berth = await startBerth();
  });
  afterAll(async () => {
    await berth?.stop();
  });

  it('creates and describes a cluster', async () => {
    const out = await runBoto3Scenario('smoke.py', berth, { CLUSTER: 'py' });
    expect(out).toMatchObject({ clusterArn: expect.stringMatching(/cluster\/py$/), failures: [] });
  });
});
