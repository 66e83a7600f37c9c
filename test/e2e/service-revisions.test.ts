import {
  ContinueServiceDeploymentCommand,
  CreateServiceCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  ListServiceDeploymentsCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerInstance, startBerthWithCluster, type TestBerth } from '../support/berth.ts';

const CLUSTER = 'rev';

/** Service revisions and ContinueServiceDeployment through the ECS SDK (no containers run here). */
describe('service revisions', () => {
  let berth: TestBerth;
  let v1: string;
  let v2: string;

  beforeAll(async () => {
    berth = await startBerthWithCluster(CLUSTER);
    await registerInstance(berth, CLUSTER, { cpu: 2048, memory: 2048 });
    const register = async (image: string) =>
      (
        await berth.ecs.send(
          new RegisterTaskDefinitionCommand({
            family: 'web',
            containerDefinitions: [
              { name: 'app', image, memory: 64 },
              { name: 'sidecar', image: 'busybox:1', memory: 32 },
            ],
          }),
        )
      ).taskDefinition!.taskDefinitionArn!;
    v1 = await register('nginx:1');
    v2 = await register('nginx:2');
    await berth.ecs.send(
      new CreateServiceCommand({ cluster: CLUSTER, serviceName: 'web', taskDefinition: v1, desiredCount: 1 }),
    );
    await berth.ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'web', taskDefinition: v2 }));
  });
  afterAll(async () => {
    await berth?.stop();
  });

  async function deploymentArns(): Promise<string[]> {
    const listed = await berth.ecs.send(new ListServiceDeploymentsCommand({ cluster: CLUSTER, service: 'web' }));
    return (listed.serviceDeployments ?? []).map((d) => d.serviceDeploymentArn!);
  }

  it('gives each deployment a service revision ARN and answers DescribeServiceRevisions with its configuration', async () => {
    const arns = await deploymentArns();
    const described = await berth.ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: arns }));
    const byTarget = new Map(
      (described.serviceDeployments ?? []).map((d) => [d.targetServiceRevision?.arn ?? '', d] as const),
    );
    const revisionArns = [...byTarget.keys()];
    expect(revisionArns).toHaveLength(2);
    for (const [arn, deployment] of byTarget) {
      const digits = deployment.serviceDeploymentArn!.split('/').pop();
      expect(arn.endsWith(`:service-revision/${CLUSTER}/web/${digits}`)).toBe(true);
      expect(arn).toMatch(/^arn:aws:ecs:[^:]+:\d{12}:service-revision\/rev\/web\/\d+$/);
    }

    const revisions = await berth.ecs.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: revisionArns }));
    expect(revisions.failures).toEqual([]);
    const byDefinition = new Map((revisions.serviceRevisions ?? []).map((r) => [r.taskDefinition, r]));
    const newest = byDefinition.get(v2)!;
    expect(newest).toMatchObject({
      serviceArn: expect.stringMatching(/:service\/rev\/web$/),
      clusterArn: expect.stringMatching(/:cluster\/rev$/),
      launchType: 'EC2',
      loadBalancers: [],
      serviceRegistries: [],
      containerImages: [
        { containerName: 'app', image: 'nginx:2' },
        { containerName: 'sidecar', image: 'busybox:1' },
      ],
    });
    expect(newest.createdAt).toBeInstanceOf(Date);
    expect(byDefinition.get(v1)?.containerImages?.[0]?.image).toBe('nginx:1');

    // The second deployment started while the first ran: the first's revision is its source.
    const second = [...byTarget.values()].find((d) => d.targetServiceRevision?.arn === newest.serviceRevisionArn)!;
    const first = byDefinition.get(v1)!.serviceRevisionArn;
    expect(second.sourceServiceRevisions?.map((r) => r.arn)).toEqual([first]);
    expect(second.targetServiceRevision).toMatchObject({ requestedTaskCount: 1 });
  });

  it('answers an unknown revision as MISSING and refuses a malformed ARN', async () => {
    const [anyDeployment] = await deploymentArns();
    const prefix = anyDeployment!.split(':service-deployment/')[0]!;
    const unknown = `${prefix}:service-revision/${CLUSTER}/web/12345`;
    const answer = await berth.ecs.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: [unknown] }));
    expect(answer.serviceRevisions).toEqual([]);
    expect(answer.failures).toEqual([{ arn: unknown, reason: 'MISSING' }]);
    const error = await berth.ecs
      .send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: ['web'] }))
      .catch((e: unknown) => e as Error);
    expect(error).toMatchObject({ name: 'InvalidParameterException' });
    expect((error as Error).message).toMatch(/service revision/);
  });

  it('ContinueServiceDeployment: no Berth deployment is paused at a hook; an unknown one is not found; nothing changes', async () => {
    const [current] = await deploymentArns();
    const before = (await berth.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['web'] })))
      .services?.[0]?.deployments;
    const notPaused = await berth.ecs
      .send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: current!, hookId: 'hook-1' }))
      .catch((e: unknown) => e as Error);
    expect(notPaused).toMatchObject({ name: 'InvalidParameterException' });
    expect((notPaused as Error).message).toMatch(/hook-1/);

    const unknown = current!.replace(/\/\d+$/, '/999999');
    const missing = await berth.ecs
      .send(
        new ContinueServiceDeploymentCommand({ serviceDeploymentArn: unknown, hookId: 'hook-1', action: 'CONTINUE' }),
      )
      .catch((e: unknown) => e as Error);
    expect(missing).toMatchObject({ name: 'ServiceDeploymentNotFoundException' });

    const after = (await berth.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['web'] })))
      .services?.[0]?.deployments;
    expect(after?.map((d) => [d.id, d.taskDefinition])).toEqual(before?.map((d) => [d.id, d.taskDefinition]));
  });
});
