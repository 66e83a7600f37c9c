import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Duration, Stack, aws_secretsmanager as secretsmanager } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { BerthCluster, BerthService, BerthTaskDefinition, type BerthConnection } from '#infra/cdk/index.ts';

/**
 * A user's stack declaring a Berth cluster, two task definitions and a
 * service with the `berth/cdk` constructs, checked as synthesized.
 */
const customResource = z.object({
  Properties: z.object({
    ServiceToken: z.unknown(),
    Endpoint: z.string(),
    CredentialsSecretArn: z.unknown(),
    Request: z.unknown(),
  }),
});

let outdir: string;
let stack: Stack;
let template: Template;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'berth-cdk-constructs-'));
  const app = new App({ outdir });
  stack = new Stack(app, 'UserStack', { env: { account: '123456789012', region: 'eu-west-1' } });
  const connection: BerthConnection = {
    endpoint: 'https://berth.example.lambda-url.eu-west-1.on.aws/',
    credentials: new secretsmanager.Secret(stack, 'BerthKey'),
  };
  const cluster = new BerthCluster(stack, 'Cluster', { connection, clusterName: 'prod' });
  const web = new BerthTaskDefinition(stack, 'Web', { connection, family: 'web' });
  web.addContainer('app', {
    image: 'nginx:1.27',
    cpu: 256,
    memoryLimitMiB: 512,
    portMappings: [{ containerPort: 80 }],
    environment: { STAGE: 'prod' },
    healthCheck: { command: ['curl -f http://localhost/ || exit 1'], interval: Duration.seconds(10) },
  });
  new BerthTaskDefinition(stack, 'Worker', {
    connection,
    family: 'worker',
    containers: { job: { image: 'busybox', memoryReservationMiB: 64, command: ['sleep', '3600'] } },
  });
  new BerthService(stack, 'Service', {
    cluster,
    taskDefinition: web,
    serviceName: 'web',
    desiredCount: 2,
    minHealthyPercent: 50,
    circuitBreaker: { rollback: true },
  });
  template = Template.fromStack(stack);
}, 240_000);

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

function only(type: string): z.infer<typeof customResource> {
  const found = Object.values(template.findResources(type));
  expect(found).toHaveLength(1);
  return customResource.parse(found[0]);
}

const joinSchema = z.object({
  'Fn::Join': z.tuple([z.literal(''), z.array(z.union([z.string(), z.object({ Ref: z.string() })]))]),
});

/** The ECS request a resource carries, as CloudFormation would join it, each `Ref` written `<Ref id>`. */
function request(type: string): unknown {
  const raw = only(type).Properties.Request;
  if (typeof raw === 'string') return JSON.parse(raw);
  const parts = joinSchema.parse(raw)['Fn::Join'][1];
  return JSON.parse(parts.map((part) => (typeof part === 'string' ? part : `<Ref ${part.Ref}>`)).join(''));
}

describe('the berth/cdk constructs in a user stack', () => {
  it('declares each resource as a custom resource of its Berth type on one shared provider', () => {
    template.resourceCountIs('Custom::BerthCluster', 1);
    template.resourceCountIs('Custom::BerthTaskDefinition', 2);
    template.resourceCountIs('Custom::BerthService', 1);
    // The provider framework's waiter: one per stack, however many resources.
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    const tokens = ['Custom::BerthCluster', 'Custom::BerthTaskDefinition', 'Custom::BerthService'].flatMap((type) =>
      Object.values(template.findResources(type)).map((r) =>
        JSON.stringify(customResource.parse(r).Properties.ServiceToken),
      ),
    );
    expect(new Set(tokens).size).toBe(1);
  });

  it('renders the containers as ECS container definitions, aws-ecs defaults included', () => {
    const web = Object.values(template.findResources('Custom::BerthTaskDefinition'))
      .map((r) => customResource.parse(r).Properties.Request)
      .map((r) => JSON.parse(String(r)) as unknown)
      .find((r) => JSON.stringify(r).includes('"family":"web"'));
    expect(web).toEqual({
      family: 'web',
      networkMode: 'bridge',
      containerDefinitions: [
        {
          name: 'app',
          image: 'nginx:1.27',
          essential: true,
          cpu: 256,
          memory: 512,
          portMappings: [{ protocol: 'tcp', containerPort: 80 }],
          environment: [{ name: 'STAGE', value: 'prod' }],
          healthCheck: {
            command: ['CMD-SHELL', 'curl -f http://localhost/ || exit 1'],
            interval: 10,
            timeout: 5,
            retries: 3,
          },
        },
      ],
    });
  });

  it('points the service at the cluster and the task definition revision, with the circuit breaker on', () => {
    const clusterId = Object.keys(template.findResources('Custom::BerthCluster'))[0] ?? '';
    const webId = Object.keys(template.findResources('Custom::BerthTaskDefinition')).find((id) => id.startsWith('Web'));
    expect(request('Custom::BerthService')).toEqual({
      cluster: `<Ref ${clusterId}>`,
      serviceName: 'web',
      taskDefinition: `<Ref ${webId}>`,
      desiredCount: 2,
      deploymentConfiguration: {
        minimumHealthyPercent: 50,
        maximumPercent: 200,
        deploymentCircuitBreaker: { enable: true, rollback: true },
      },
    });
  });

  it('passes the endpoint, the key secret and the region to every resource', () => {
    const cluster = only('Custom::BerthCluster');
    expect(cluster.Properties.Endpoint).toBe('https://berth.example.lambda-url.eu-west-1.on.aws/');
    template.hasResourceProperties('Custom::BerthCluster', {
      CredentialsSecretArn: { Ref: Match.stringLikeRegexp('^BerthKey') },
      Region: 'eu-west-1',
      Request: '{"clusterName":"prod"}',
    });
  });

  it('lets the provider read the key secret and nothing else of Secrets Manager', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
            Resource: { Ref: Match.stringLikeRegexp('^BerthKey') },
          }),
        ]),
      },
    });
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(policies).not.toContain('"secretsmanager:*"');
  });

  it('takes a cluster the stack does not own by name, the connection coming from the task definition', () => {
    const app = new App();
    const other = new Stack(app, 'ByName');
    const connection = { endpoint: 'https://x.example/', credentials: new secretsmanager.Secret(other, 'Key') };
    const task = new BerthTaskDefinition(other, 'Task', {
      connection,
      containers: { app: { image: 'busybox', memoryLimitMiB: 32 } },
    });
    new BerthService(other, 'Service', { cluster: 'prod', taskDefinition: task, serviceName: 'web' });
    const found = Object.values(Template.fromStack(other).findResources('Custom::BerthService'));
    const parts = joinSchema.parse(customResource.parse(found[0]).Properties.Request)['Fn::Join'][1];
    expect(parts[0]).toBe('{"cluster":"prod","serviceName":"web","taskDefinition":"');
    expect(customResource.parse(found[0]).Properties.Endpoint).toBe('https://x.example/');
  });

  it('refuses a task definition without containers at synthesis', () => {
    const app = new App();
    const other = new Stack(app, 'Empty');
    new BerthTaskDefinition(other, 'Nothing', {
      connection: { endpoint: 'https://x.example/', credentials: new secretsmanager.Secret(other, 'Key') },
    });
    expect(() => app.synth()).toThrow(/A BerthTaskDefinition needs at least one container/);
  });
});

describe('the berth/cdk entry point', () => {
  it('resolves through the package exports to the constructs', async () => {
    const entry = await import('berth/cdk');
    expect(entry.BerthCluster).toBe(BerthCluster);
    expect(entry.BerthService).toBe(BerthService);
    expect(entry.BerthTaskDefinition).toBe(BerthTaskDefinition);
  });
});
