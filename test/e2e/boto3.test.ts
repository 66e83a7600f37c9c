import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBoto3Scenario } from '../support/boto3.ts';
import { startContainerCluster, type ContainerCluster } from '../support/container-cluster.ts';

const CLUSTER = 'py';

/**
 * The end-to-end scenarios through boto3 (test/e2e/boto3/*.py), against one
 * dev mode with one real agent on the local engine: each script asserts as it
 * goes and uses botocore's own waiters and paginators.
 */
describe('boto3 against dev mode', { timeout: 120_000 }, () => {
  let cluster: ContainerCluster;
  let env: Record<string, string>;
  beforeAll(async () => {
    cluster = await startContainerCluster(CLUSTER, 1);
    env = { CLUSTER, IMAGE: cluster.image };
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('creates a cluster and describes it', async () => {
    const out = await runBoto3Scenario('smoke.py', cluster.berth, { CLUSTER: 'py-smoke' });
    expect(out).toMatchObject({ clusterArn: expect.stringMatching(/cluster\/py-smoke$/), failures: [] });
  });

  it('pages through clusters and task definitions', async () => {
    const out = await runBoto3Scenario('clusters_and_definitions.py', cluster.berth, { PREFIX: 'pyc' });
    expect(out).toMatchObject({
      definitions: [expect.stringMatching(/:task-definition\/pyc-web:1$/), expect.any(String), expect.any(String)],
    });
  });

  it('runs, waits for, lists and stops tasks on a real agent', async () => {
    const out = await runBoto3Scenario('tasks.py', cluster.berth, env);
    expect(out).toMatchObject({ tasks: expect.arrayContaining([expect.stringMatching(/:task\/py\//)]) });
  });

  it('creates, scales, updates and deletes services, waiting with botocore', async () => {
    const out = await runBoto3Scenario('services.py', cluster.berth, env);
    expect(out).toMatchObject({ services: expect.arrayContaining(['py-web']) });
  });

  it('protects a service task from scale-in', async () => {
    const out = await runBoto3Scenario('task_protection.py', cluster.berth, env);
    expect(out).toMatchObject({ kept: expect.stringMatching(/:task\/py\//) });
  });

  it('describes container instances and manages their attributes', async () => {
    const out = await runBoto3Scenario('instances_and_attributes.py', cluster.berth, env);
    expect(out).toMatchObject({ instance: expect.stringMatching(/:container-instance\/py\//) });
  });
});
