import { DescribeClustersCommand, DescribeServicesCommand, ECSClient, type Service } from '@aws-sdk/client-ecs';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentProcess } from '../support/agent-process.ts';
import { removeClusterContainers } from '../support/agents.ts';
import { testAwsClientConfig, testAwsEndpoint } from '../support/aws-endpoint.ts';
import { ensureBusyboxImage } from '../support/busybox-image.ts';
import {
  CIRCUIT_BREAKER_REASON,
  keyWithPolicy,
  providerRequests,
  rolledBackTo,
  secretHolding,
} from '../support/cdk-provider-fixture.ts';
import { customResourceEvent } from '../support/custom-resource-events.ts';
import { startHarnessWithAdmin } from '../support/lambda-harness/bootstrap.ts';
import type { LambdaHarness } from '../support/lambda-harness/index.ts';
import { startProviderHarness, type ProviderHarness } from '../support/lambda-harness/provider.ts';
import { CREATE_FAILED_PHYSICAL_ID } from '../support/lambda-harness/provider-framework.ts';
import { requestRegistrationToken } from '../support/registration-token.ts';

const CLUSTER = 'cfn-lambda';

/**
 * The `berth/cdk` provider as CloudFormation runs it against Berth as the
 * control plane stack deploys it: the provider's synthesized bundles in
 * Lambda-shaped processes with the construct's environment, behind the CDK
 * provider framework, reading its key from moto's Secrets Manager, calling
 * the api's function URL, and answering on a pre-signed response URL. A real
 * agent runs the service's containers.
 */
describe('the CDK provider as Lambda runs it, against the Lambda-shaped control plane', { timeout: 300_000 }, () => {
  let harness: LambdaHarness;
  let provider: ProviderHarness;
  let agent: AgentProcess;
  let sdk: ECSClient;
  let secretsManager: SecretsManagerClient;
  let admin: { accessKeyId: string; secretAccessKey: string };
  let requests: ReturnType<typeof providerRequests>;
  let base: Record<string, unknown> = {};

  beforeAll(async () => {
    const image = await ensureBusyboxImage();
    requests = providerRequests(CLUSTER, image);
    ({ harness, admin } = await startHarnessWithAdmin());
    sdk = new ECSClient({ endpoint: harness.endpoint, region: 'us-east-1', credentials: admin });
    agent = new AgentProcess({
      endpoint: harness.endpoint,
      cluster: CLUSTER,
      registrationToken: () => requestRegistrationToken(harness.endpoint, admin, CLUSTER),
    });
    await agent.start();
    provider = await startProviderHarness({ awsEndpoint: testAwsEndpoint() });
    secretsManager = new SecretsManagerClient(testAwsClientConfig());
    base = { Endpoint: harness.endpoint, CredentialsSecretArn: await secretHolding(secretsManager, admin) };
  }, 240_000);

  afterAll(async () => {
    await agent?.destroy().catch(() => undefined);
    sdk?.destroy();
    secretsManager?.destroy();
    await provider?.stop();
    await harness?.stop();
    await removeClusterContainers(CLUSTER);
  });

  const props = (request: unknown, extra: Record<string, unknown> = {}) => ({
    ...base,
    ...extra,
    Request: JSON.stringify(request),
  });
  const send = (event: Record<string, unknown>) => provider.framework.send(event);

  async function describeService(): Promise<Service> {
    const out = await sdk.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['cfn-web'] }));
    return out.services?.[0] ?? {};
  }

  let revision1 = '';
  let revision2 = '';
  let serviceArn = '';

  it('runs the bundles the construct deploys, with the environment it gives them', () => {
    expect(provider.blueprint.onEvent.handler).toBe('index.onEvent');
    expect(provider.blueprint.isComplete.handler).toBe('index.isComplete');
    expect(provider.blueprint.onEvent.codeDir).toContain(provider.blueprint.outdir);
    expect(provider.onEvent.spec.environment).toMatchObject({
      NODE_OPTIONS: '--enable-source-maps',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
      _HANDLER: 'index.onEvent',
    });
  });

  it('creates a task definition and a service: SUCCESS once two tasks run, and each function ran in its own process', async () => {
    const definition = await send(
      customResourceEvent({
        requestType: 'Create',
        resourceType: 'Custom::BerthTaskDefinition',
        properties: props(requests.taskDefinition(['sleep', '3600'])),
      }),
    );
    expect(definition).toMatchObject({ Status: 'SUCCESS', LogicalResourceId: 'Resource' });
    revision1 = definition.PhysicalResourceId;
    expect(revision1).toMatch(/:task-definition\/cfn-web:1$/);

    const created = await send(
      customResourceEvent({
        requestType: 'Create',
        resourceType: 'Custom::BerthService',
        properties: props(requests.service(revision1)),
      }),
    );
    expect(created.Status).toBe('SUCCESS');
    serviceArn = created.PhysicalResourceId;
    expect(serviceArn).toMatch(/:service\/cfn-lambda\/cfn-web$/);
    const described = await describeService();
    expect(described.runningCount).toBe(2);
    expect(described.deployments?.[0]?.rolloutState).toBe('COMPLETED');
    expect(provider.onEvent.invocations).toBe(2);
    expect(provider.isComplete.invocations).toBeGreaterThanOrEqual(2);
  });

  it('updates the service to a new revision, running the deployment to completion; the same event again changes nothing', async () => {
    const definition = await send(
      customResourceEvent({
        requestType: 'Update',
        resourceType: 'Custom::BerthTaskDefinition',
        properties: props(requests.taskDefinition(['sleep', '3601'])),
        oldProperties: props(requests.taskDefinition(['sleep', '3600'])),
        physicalResourceId: revision1,
      }),
    );
    revision2 = definition.PhysicalResourceId;
    expect(revision2).toMatch(/:task-definition\/cfn-web:2$/);

    const update = customResourceEvent({
      requestType: 'Update',
      resourceType: 'Custom::BerthService',
      properties: props(requests.service(revision2)),
      oldProperties: props(requests.service(revision1)),
      physicalResourceId: serviceArn,
    });
    expect(await send(update)).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: serviceArn });
    const described = await describeService();
    expect(described.taskDefinition).toBe(revision2);
    expect(described.deployments).toHaveLength(1);
    expect(described.deployments?.[0]?.rolloutState).toBe('COMPLETED');
    expect(described.runningCount).toBe(2);

    // CloudFormation retries a request it heard nothing back for with the same RequestId.
    expect(await send(update)).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: serviceArn });
    const again = await describeService();
    expect(again.deployments?.map((d) => d.id)).toEqual(described.deployments?.map((d) => d.id));
    expect(again.taskDefinition).toBe(revision2);
  });

  it('fails an update to a revision whose containers exit with the circuit breaker reason, and the service rolls back', async () => {
    const failing = await send(
      customResourceEvent({
        requestType: 'Update',
        resourceType: 'Custom::BerthTaskDefinition',
        properties: props(requests.taskDefinition(['sh', '-c', 'exit 1'])),
        oldProperties: props(requests.taskDefinition(['sleep', '3601'])),
        physicalResourceId: revision2,
      }),
    );
    const answer = await send(
      customResourceEvent({
        requestType: 'Update',
        resourceType: 'Custom::BerthService',
        properties: props(requests.service(failing.PhysicalResourceId)),
        oldProperties: props(requests.service(revision2)),
        physicalResourceId: serviceArn,
      }),
    );
    expect(answer).toMatchObject({ Status: 'FAILED', PhysicalResourceId: serviceArn });
    expect(answer.Reason).toMatch(CIRCUIT_BREAKER_REASON);
    const rolledBack = await rolledBackTo(describeService, revision2);
    expect(rolledBack.taskDefinition).toBe(revision2);
  });

  it('deletes the service (drained to INACTIVE) and the task definition, a repeated Delete included', async () => {
    const removal = customResourceEvent({
      requestType: 'Delete',
      resourceType: 'Custom::BerthService',
      properties: props(requests.service(revision2)),
      physicalResourceId: serviceArn,
    });
    expect(await send(removal)).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: serviceArn });
    expect((await describeService()).status).toBe('INACTIVE');
    expect(await send(removal)).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: serviceArn });

    const deregistration = customResourceEvent({
      requestType: 'Delete',
      resourceType: 'Custom::BerthTaskDefinition',
      properties: props(requests.taskDefinition(['sleep', '3601'])),
      physicalResourceId: revision2,
    });
    expect(await send(deregistration)).toMatchObject({ Status: 'SUCCESS' });
    expect(await send(deregistration)).toMatchObject({ Status: 'SUCCESS' });
  });

  describe('bad input: FAILED with the reason, nothing created', () => {
    async function clusterExists(name: string): Promise<boolean> {
      const out = await sdk.send(new DescribeClustersCommand({ clusters: [name] }));
      return out.clusters?.[0]?.status === 'ACTIVE';
    }
    const createCluster = (properties: Record<string, unknown>) =>
      send(customResourceEvent({ requestType: 'Create', resourceType: 'Custom::BerthCluster', properties }));

    it('names a missing property', async () => {
      const answer = await createCluster({ Request: JSON.stringify({ clusterName: 'bad-1' }) });
      expect(answer).toMatchObject({ Status: 'FAILED', PhysicalResourceId: CREATE_FAILED_PHYSICAL_ID });
      expect(answer.Reason).toMatch(/Invalid resource properties: Endpoint.*CredentialsSecretArn/s);
      // CloudFormation's rollback then deletes it: the framework answers that itself.
      const calls = provider.onEvent.invocations;
      const rollback = await send(
        customResourceEvent({
          requestType: 'Delete',
          resourceType: 'Custom::BerthCluster',
          properties: { Request: JSON.stringify({ clusterName: 'bad-1' }) },
          physicalResourceId: CREATE_FAILED_PHYSICAL_ID,
        }),
      );
      expect(rollback.Status).toBe('SUCCESS');
      expect(provider.onEvent.invocations).toBe(calls);
      const noName = await createCluster(props({}));
      expect(noName.Reason).toMatch(/Request\.clusterName/);
      expect(await clusterExists('bad-1')).toBe(false);
    });

    it('reports a key whose policy denies the action', async () => {
      const key = await keyWithPolicy(harness.endpoint, admin, 'no-clusters', [
        { Effect: 'Allow', Action: ['ecs:*'], Resource: ['*'] },
        { Effect: 'Deny', Action: ['ecs:CreateCluster'], Resource: ['*'] },
      ]);
      const secret = await secretHolding(secretsManager, key);
      const answer = await createCluster(props({ clusterName: 'bad-2' }, { CredentialsSecretArn: secret }));
      expect(answer).toMatchObject({ Status: 'FAILED', PhysicalResourceId: CREATE_FAILED_PHYSICAL_ID });
      expect(answer.Reason).toMatch(/CreateCluster failed: AccessDeniedException: .*ecs:CreateCluster/);
      expect(await clusterExists('bad-2')).toBe(false);
    });
  });
});
