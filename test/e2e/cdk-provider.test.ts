import { randomUUID } from 'node:crypto';
import {
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ListTaskDefinitionsCommand,
  type Service,
} from '@aws-sdk/client-ecs';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProvisioner } from '#functions/provisioner/provisioner.ts';
import { testAwsClientConfig } from '../support/aws-endpoint.ts';
import type { TestBerth } from '../support/berth.ts';
import {
  CIRCUIT_BREAKER_REASON,
  keyWithPolicy,
  providerRequests,
  rolledBackTo,
  secretHolding as sharedSecretHolding,
} from '../support/cdk-provider-fixture.ts';
import { startContainerCluster, type ContainerCluster } from '../support/container-cluster.ts';
import { CREATE_FAILED_PHYSICAL_ID } from '../support/lambda-harness/provider-framework.ts';
import {
  customResourceEvent,
  runCustomResourceEvent,
  type ProviderFunctions,
} from '../support/custom-resource-events.ts';

const CLUSTER = 'cfn-e2e';

/**
 * The custom resource provider behind the CDK constructs, driven with
 * CloudFormation-shaped events against dev mode with a real agent: the Berth
 * key comes from Secrets Manager (moto), every call goes through the
 * unmodified ECS SDK to Berth's endpoint.
 */
describe('the CDK custom resource provider', { timeout: 240_000 }, () => {
  let cluster: ContainerCluster;
  let berth: TestBerth;
  let provider: ProviderFunctions;
  let secretsManager: SecretsManagerClient;
  let adminSecret = '';
  let base: Record<string, unknown> = {};

  let requests: ReturnType<typeof providerRequests>;
  const secretHolding = (value: unknown) => sharedSecretHolding(secretsManager, value);

  beforeAll(async () => {
    cluster = await startContainerCluster(CLUSTER, 1);
    berth = cluster.berth;
    secretsManager = new SecretsManagerClient(testAwsClientConfig());
    provider = createProvisioner({ secretsManager, region: 'us-east-1' });
    requests = providerRequests(CLUSTER, cluster.image);
    adminSecret = await secretHolding(berth.credentials);
    base = { Endpoint: berth.endpoint, CredentialsSecretArn: adminSecret };
  });
  afterAll(async () => {
    secretsManager?.destroy();
    await cluster?.stop();
  });

  const props = (request: unknown) => ({ ...base, Request: JSON.stringify(request) });
  const taskDefinition = (command: string[]) => requests.taskDefinition(command);
  const service = (taskDefinitionArn: string) => requests.service(taskDefinitionArn);

  async function describeService(): Promise<Service> {
    const out = await berth.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['cfn-web'] }));
    return out.services?.[0] ?? {};
  }
  async function revisions(): Promise<string[]> {
    return (await berth.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'cfn-web' }))).taskDefinitionArns ?? [];
  }

  // State carried from one step of the stack's life to the next.
  let revision1 = '';
  let revision2 = '';
  let serviceArn = '';

  describe('clusters', () => {
    it('creates a cluster, answers the same one for a repeated Create, and deletes it twice without error', async () => {
      const event = customResourceEvent({
        requestType: 'Create',
        resourceType: 'Custom::BerthCluster',
        properties: props({ clusterName: 'cfn-other' }),
      });
      const created = await runCustomResourceEvent(provider, event);
      expect(created.PhysicalResourceId).toBe('cfn-other');
      expect(created.Data?.Arn).toMatch(/:cluster\/cfn-other$/);
      expect((await runCustomResourceEvent(provider, event)).PhysicalResourceId).toBe('cfn-other');

      const deletion = customResourceEvent({
        requestType: 'Delete',
        resourceType: 'Custom::BerthCluster',
        properties: props({ clusterName: 'cfn-other' }),
        physicalResourceId: 'cfn-other',
      });
      await runCustomResourceEvent(provider, deletion);
      await runCustomResourceEvent(provider, deletion);
      const described = await berth.ecs.send(new DescribeClustersCommand({ clusters: ['cfn-other'] }));
      expect(described.clusters?.[0]?.status ?? 'MISSING').not.toBe('ACTIVE');
    });
  });

  it('deletes a cluster whose name has the shape of a UUID', async () => {
    const name = randomUUID();
    const properties = props({ clusterName: name });
    const created = await runCustomResourceEvent(
      provider,
      customResourceEvent({ requestType: 'Create', resourceType: 'Custom::BerthCluster', properties }),
    );
    expect(created.PhysicalResourceId).toBe(name);
    await runCustomResourceEvent(
      provider,
      customResourceEvent({
        requestType: 'Delete',
        resourceType: 'Custom::BerthCluster',
        properties,
        physicalResourceId: name,
      }),
    );
    const described = await berth.ecs.send(new DescribeClustersCommand({ clusters: [name] }));
    expect(described.clusters?.[0]?.status ?? 'MISSING').not.toBe('ACTIVE');
  });

  describe('a service through its life', () => {
    it('registers a task definition once for a repeated Create', async () => {
      const event = customResourceEvent({
        requestType: 'Create',
        resourceType: 'Custom::BerthTaskDefinition',
        properties: props(taskDefinition(['sleep', '3600'])),
      });
      revision1 = (await runCustomResourceEvent(provider, event)).PhysicalResourceId;
      expect(revision1).toMatch(/:task-definition\/cfn-web:1$/);
      expect((await runCustomResourceEvent(provider, event)).PhysicalResourceId).toBe(revision1);
      expect(await revisions()).toEqual([revision1]);
    });

    it('creates a service and completes once its deployment has', async () => {
      const created = await runCustomResourceEvent(
        provider,
        customResourceEvent({
          requestType: 'Create',
          resourceType: 'Custom::BerthService',
          properties: props(service(revision1)),
        }),
      );
      serviceArn = created.PhysicalResourceId;
      expect(serviceArn).toMatch(/:service\/cfn-e2e\/cfn-web$/);
      const described = await describeService();
      expect(described.runningCount).toBe(2);
      expect(described.deployments?.[0]?.rolloutState).toBe('COMPLETED');
    });

    it('updates the task definition to a new revision and the service to it, running the deployment to completion', async () => {
      const updated = await runCustomResourceEvent(
        provider,
        customResourceEvent({
          requestType: 'Update',
          resourceType: 'Custom::BerthTaskDefinition',
          properties: props(taskDefinition(['sleep', '3601'])),
          oldProperties: props(taskDefinition(['sleep', '3600'])),
          physicalResourceId: revision1,
        }),
      );
      revision2 = updated.PhysicalResourceId;
      expect(revision2).toMatch(/:task-definition\/cfn-web:2$/);

      const serviceUpdate = customResourceEvent({
        requestType: 'Update',
        resourceType: 'Custom::BerthService',
        properties: props(service(revision2)),
        oldProperties: props(service(revision1)),
        physicalResourceId: serviceArn,
      });
      expect((await runCustomResourceEvent(provider, serviceUpdate)).PhysicalResourceId).toBe(serviceArn);
      const described = await describeService();
      expect(described.taskDefinition).toBe(revision2);
      expect(described.deployments).toHaveLength(1);
      expect(described.deployments?.[0]?.rolloutState).toBe('COMPLETED');
      expect(described.runningCount).toBe(2);

      // The same event again (a retried request) starts no deployment.
      const deploymentId = described.deployments?.[0]?.id;
      await runCustomResourceEvent(provider, serviceUpdate);
      const again = await describeService();
      expect(again.deployments?.map((d) => d.id)).toEqual([deploymentId]);
    });

    it('changes nothing for an Update whose properties did not change', async () => {
      const before = await describeService();
      const answer = await runCustomResourceEvent(
        provider,
        customResourceEvent({
          requestType: 'Update',
          resourceType: 'Custom::BerthTaskDefinition',
          properties: props(taskDefinition(['sleep', '3601'])),
          oldProperties: props(taskDefinition(['sleep', '3601'])),
          physicalResourceId: revision2,
        }),
      );
      expect(answer.PhysicalResourceId).toBe(revision2);
      expect(await revisions()).toEqual([revision1, revision2]);
      expect((await describeService()).deployments?.map((d) => d.id)).toEqual(before.deployments?.map((d) => d.id));
    });

    it('fails an update to a revision whose containers exit, with the circuit breaker reason, and the service rolls back', async () => {
      const failing = await runCustomResourceEvent(
        provider,
        customResourceEvent({
          requestType: 'Update',
          resourceType: 'Custom::BerthTaskDefinition',
          properties: props(taskDefinition(['sh', '-c', 'exit 1'])),
          oldProperties: props(taskDefinition(['sleep', '3601'])),
          physicalResourceId: revision2,
        }),
      );
      const update = runCustomResourceEvent(
        provider,
        customResourceEvent({
          requestType: 'Update',
          resourceType: 'Custom::BerthService',
          properties: props(service(failing.PhysicalResourceId)),
          oldProperties: props(service(revision2)),
          physicalResourceId: serviceArn,
        }),
        180_000,
      );
      await expect(update).rejects.toThrow(CIRCUIT_BREAKER_REASON);
      const rolledBack = await rolledBackTo(describeService, revision2);
      expect(rolledBack.taskDefinition).toBe(revision2);
    });

    it('deletes the service (scaled to 0, drained) and deregisters the task definition', async () => {
      await runCustomResourceEvent(
        provider,
        customResourceEvent({
          requestType: 'Delete',
          resourceType: 'Custom::BerthService',
          properties: props(service(revision2)),
          physicalResourceId: serviceArn,
        }),
      );
      expect((await describeService()).status).toBe('INACTIVE');

      const deletion = customResourceEvent({
        requestType: 'Delete',
        resourceType: 'Custom::BerthTaskDefinition',
        properties: props(taskDefinition(['sleep', '3601'])),
        physicalResourceId: revision2,
      });
      await runCustomResourceEvent(provider, deletion);
      await runCustomResourceEvent(provider, deletion);
      const described = await berth.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: revision2 }));
      expect(described.taskDefinition?.status).toBe('INACTIVE');
    });
  });

  describe('bad input fails the event with a reason and creates nothing', () => {
    const create = (properties: Record<string, unknown>, resourceType = 'Custom::BerthCluster') =>
      runCustomResourceEvent(provider, customResourceEvent({ requestType: 'Create', resourceType, properties }));
    async function clusterExists(name: string): Promise<boolean> {
      const out = await berth.ecs.send(new DescribeClustersCommand({ clusters: [name] }));
      return out.clusters?.[0]?.status === 'ACTIVE';
    }

    it('names a missing property', async () => {
      await expect(
        create({ CredentialsSecretArn: adminSecret, Request: JSON.stringify({ clusterName: 'bad-1' }) }),
      ).rejects.toThrow(/Invalid resource properties: Endpoint/);
      await expect(create({ ...base, Request: JSON.stringify({}) })).rejects.toThrow(/Request\.clusterName/);
      await expect(create({ ...base, Request: '{not json' })).rejects.toThrow(/Request is not a JSON document/);
      expect(await clusterExists('bad-1')).toBe(false);
    });

    it('passes on what Berth refuses in the request, registering nothing', async () => {
      const bad = { family: 'cfn-bad', containerDefinitions: [{ name: 'app', image: cluster.image, memory: -1 }] };
      await expect(create(props(bad), 'Custom::BerthTaskDefinition')).rejects.toThrow(
        /RegisterTaskDefinition failed: (ClientException|InvalidParameterException): /,
      );
      expect(await berth.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'cfn-bad' }))).toMatchObject({
        taskDefinitionArns: [],
      });
    });

    it('reports a key without permission', async () => {
      const accessKey = await keyWithPolicy(berth.endpoint, berth.credentials, 'read-only', [
        { Effect: 'Allow', Action: ['ecs:Describe*', 'ecs:List*'], Resource: ['*'] },
      ]);
      const secret = await secretHolding(accessKey);
      await expect(
        create({ ...base, CredentialsSecretArn: secret, Request: JSON.stringify({ clusterName: 'bad-2' }) }),
      ).rejects.toThrow(/CreateCluster failed: AccessDeniedException: .*ecs:CreateCluster/);
      expect(await clusterExists('bad-2')).toBe(false);
    });

    it('reports a secret that is missing or holds no key', async () => {
      const empty = await secretHolding({ user: 'x' });
      await expect(
        create({ ...base, CredentialsSecretArn: empty, Request: '{"clusterName":"bad-3"}' }),
      ).rejects.toThrow(/must hold a JSON object with the Berth key's accessKeyId and secretAccessKey/);
      await expect(
        create({ ...base, CredentialsSecretArn: 'no-such-secret', Request: '{"clusterName":"bad-3"}' }),
      ).rejects.toThrow(/Could not read the Berth key from secret no-such-secret: ResourceNotFoundException/);
      expect(await clusterExists('bad-3')).toBe(false);
    });

    it('reports an unreachable endpoint', async () => {
      await expect(
        create({ ...base, Endpoint: 'http://127.0.0.1:9', Request: '{"clusterName":"bad-4"}' }),
      ).rejects.toThrow(/CreateCluster: could not reach the Berth endpoint http:\/\/127\.0\.0\.1:9/);
    });

    it('lets CloudFormation delete what a failed Create left, so the stack rolls back', async () => {
      const remove = (properties: Record<string, unknown>, physicalResourceId: string) =>
        runCustomResourceEvent(
          provider,
          customResourceEvent({
            requestType: 'Delete',
            resourceType: 'Custom::BerthCluster',
            properties,
            physicalResourceId,
          }),
        );
      const readOnly = { ...base, CredentialsSecretArn: 'no-such-secret', Request: '{"clusterName":"bad-6"}' };
      await expect(remove({ Request: '{"clusterName":"bad-6"}' }, 'bad-6')).resolves.toMatchObject({
        PhysicalResourceId: 'bad-6',
      });
      await expect(remove(readOnly, CREATE_FAILED_PHYSICAL_ID)).resolves.toMatchObject({
        PhysicalResourceId: CREATE_FAILED_PHYSICAL_ID,
      });
      // A real delete with an unreadable key still fails, with the reason.
      await expect(remove(readOnly, 'bad-6')).rejects.toThrow(/Could not read the Berth key/);
    });

    it('refuses a resource type it does not know', async () => {
      await expect(create(props({ clusterName: 'bad-5' }), 'Custom::BerthQueue')).rejects.toThrow(
        /Unknown resource type Custom::BerthQueue/,
      );
    });
  });
});
