import {
  CreateClusterCommand,
  DeleteClusterCommand,
  DeregisterContainerInstanceCommand,
  DescribeTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBerth } from '#cli/berth.ts';
import { hashRegistrationToken } from '#shared/security/agent-credentials-token.ts';
import { createAccessKeyResponse, readAuditResponse } from '#shared/security/admin-api.ts';
import { agentRequest } from '../support/agent-request.ts';
import { registerInstance, startBerth, type TestBerth } from '../support/berth.ts';
import { waitFor } from '../support/wait.ts';
import { registrationTokens } from '#shared/security/collections.ts';
import { readAll } from '#shared/control/listing.ts';

/**
 * Agent credentials against dev mode over HTTP: every /agent/v1 call needs
 * one; registration tokens register once; an instance credential acts for
 * its own instance only, whatever the request names; deregistration ends it.
 */
describe('agent credentials', () => {
  let berth: TestBerth;
  const resources = { cpu: 1024, memory: 1024 };

  beforeAll(async () => {
    berth = await startBerth();
    for (const clusterName of ['creds', 'other', 'iso'])
      await berth.ecs.send(new CreateClusterCommand({ clusterName }));
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'creds-app',
        containerDefinitions: [{ name: 'app', image: 'busybox', memory: 64, essential: true }],
      }),
    );
  });
  afterAll(async () => {
    await berth?.stop();
  });

  async function agentCall(method: string, path: string, bearer: string | undefined, body?: unknown) {
    const response = await agentRequest(berth.endpoint, method, path, bearer, body);
    const json: unknown = await response.json();
    return { status: response.status, json, authenticate: response.headers.get('www-authenticate') };
  }

  const registration = (instanceId?: string) => ({
    resources: { ...resources, reservedPorts: [], reservedPortsUdp: [] },
    attributes: [],
    agentVersion: 'test',
    ...(instanceId !== undefined && { instanceId }),
  });
  const report = (instanceId: string, seq: number) => ({
    instanceId,
    epoch: 1,
    seq,
    lastStatus: 'RUNNING',
    containers: [{ name: 'app', lastStatus: 'RUNNING' }],
  });

  it.each([
    ['register', 'POST', '/clusters/creds/instances', registration()],
    ['poll', 'POST', '/clusters/creds/instances/i-1/poll', { epoch: 1 }],
    ['fetch a task spec', 'GET', '/clusters/creds/tasks/t-1?instanceId=i-1', undefined],
    ['report task state', 'POST', '/clusters/creds/tasks/t-1/state', report('i-1', 1)],
    ['exchange a credential', 'POST', '/clusters/creds/instances/i-1/credentials', undefined],
    ['read task protection', 'GET', '/clusters/creds/tasks/t-1/protection?instanceId=i-1', undefined],
    ['set task protection', 'PUT', '/clusters/creds/tasks/t-1/protection?instanceId=i-1', { protectionEnabled: true }],
  ])('refuses to %s without a credential (401)', async (_name, method, path, body) => {
    const answer = await agentCall(method, path, undefined, body);
    expect(answer.status).toBe(401);
    expect(answer.json).toMatchObject({ code: 'MissingCredential' });
    expect(answer.authenticate).toMatch(/^Bearer /);
  });

  it.each([
    ['a made-up bearer', 'not-a-credential'],
    ['a made-up credential', `bic1.${Buffer.from('{}').toString('base64url')}.${'A'.repeat(43)}`],
  ])('refuses %s (401)', async (_name, bearer) => {
    const answer = await agentCall('POST', '/clusters/creds/instances/i-1/poll', bearer, { epoch: 1 });
    expect(answer.status).toBe(401);
    expect(answer.json).toMatchObject({ code: 'InvalidCredential' });
  });

  it('registers once with a registration token, and keeps only its hash', async () => {
    const token = await berth.registrationToken('creds');
    const first = await agentCall('POST', '/clusters/creds/instances', token, registration());
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ credential: { token: expect.stringMatching(/^bic1\./) } });

    const second = await agentCall('POST', '/clusters/creds/instances', token, registration());
    expect(second.status).toBe(401);
    expect(second.json).toMatchObject({
      code: 'InvalidRegistrationToken',
      message: expect.stringMatching(/used already/),
    });

    const stored = await berth.ctx.store.get(registrationTokens, registrationTokens.key(hashRegistrationToken(token)));
    expect(stored?.value).toMatchObject({ cluster: 'creds', uses: 1, maxUses: 1 });
    expect(JSON.stringify(stored)).not.toContain(token.slice('brt1_'.length));
  });

  it.each([
    ['does not exist', 'no-such-cluster'],
    ['was deleted', 'gone'],
  ])('refuses a registration token for a cluster that %s, and stores none', async (_case, cluster) => {
    if (cluster === 'gone') {
      await berth.ecs.send(new CreateClusterCommand({ clusterName: cluster }));
      await berth.ecs.send(new DeleteClusterCommand({ cluster }));
    }
    const tokensBefore = await readAll(berth.ctx.store, registrationTokens, registrationTokens.partition());
    const response = await berth.fetch(`${berth.endpoint}/admin/v1/registration-tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ cluster }),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toMatch(/^ClusterNotFoundException/);
    expect(await response.json()).toMatchObject({ __type: 'ClusterNotFoundException', message: 'Cluster not found.' });
    const tokensAfter = await readAll(berth.ctx.store, registrationTokens, registrationTokens.partition());
    expect(tokensAfter.length).toBe(tokensBefore.length);
  });

  it('refuses a token made for another cluster without spending it', async () => {
    const token = await berth.registrationToken('other');
    const refused = await agentCall('POST', '/clusters/creds/instances', token, registration());
    expect(refused.status).toBe(403);
    expect(refused.json).toMatchObject({ code: 'AccessDenied' });
    expect((await agentCall('POST', '/clusters/other/instances', token, registration())).status).toBe(200);
  });

  it('records registrations, granted and refused, in the audit log', async () => {
    const response = await berth.fetch(`${berth.endpoint}/admin/v1/audit?limit=1000`);
    const { records } = readAuditResponse.parse(await response.json());
    const registrations = records.filter((r) => r.action === 'ecs:RegisterContainerInstance');
    expect(registrations.map((r) => r.outcome)).toEqual(expect.arrayContaining(['succeeded', 'denied']));
    // Registrations with a token name it by its hash prefix; those without a credential are anonymous.
    expect(registrations.some((r) => /:registration-token\/[0-9a-f]{16}$/.test(r.principal))).toBe(true);
    expect(
      registrations.every(
        (r) =>
          /:registration-token\/[0-9a-f]{16}$/.test(r.principal) ||
          (r.principal === 'anonymous' && r.errorCode === 'MissingCredential'),
      ),
    ).toBe(true);
    expect(JSON.stringify(records)).not.toMatch(/brt1_|bic1\./);
  });

  describe('an instance credential for X fails for instance Y', () => {
    let owner: Awaited<ReturnType<typeof registerInstance>>;
    let intruder: Awaited<ReturnType<typeof registerInstance>>;
    let taskId: string;

    beforeAll(async () => {
      // Y alone in its cluster first, so the task lands on Y; X joins afterwards.
      owner = await registerInstance(berth, 'iso', resources);
      const run = await berth.ecs.send(new RunTaskCommand({ cluster: 'iso', taskDefinition: 'creds-app' }));
      const taskArn = run.tasks?.[0]?.taskArn ?? '';
      taskId = taskArn.slice(taskArn.lastIndexOf('/') + 1);
      await waitFor(
        async () => {
          const described = await berth.ecs.send(new DescribeTasksCommand({ cluster: 'iso', tasks: [taskArn] }));
          return described.tasks?.[0]?.containerInstanceArn === owner.containerInstanceArn ? true : undefined;
        },
        { what: 'the task placed on Y' },
      );
      intruder = await registerInstance(berth, 'iso', resources);
    });

    const y = () => owner.instanceId;
    const x = () => intruder.credential.token;

    it.each([
      [
        'poll as Y',
        () => agentCall('POST', `/clusters/iso/instances/${y()}/poll`, x(), { epoch: 1 }),
        403,
        'AccessDenied',
      ],
      [
        'fetch Y’s task naming Y',
        () => agentCall('GET', `/clusters/iso/tasks/${taskId}?instanceId=${y()}`, x()),
        403,
        'AccessDenied',
      ],
      [
        'fetch Y’s task as itself',
        () => agentCall('GET', `/clusters/iso/tasks/${taskId}`, x()),
        403,
        'TaskNotAssigned',
      ],
      [
        'report Y’s task as Y',
        () => agentCall('POST', `/clusters/iso/tasks/${taskId}/state`, x(), report(y(), 1)),
        403,
        'AccessDenied',
      ],
      [
        'report Y’s task as itself',
        () => agentCall('POST', `/clusters/iso/tasks/${taskId}/state`, x(), report(intruder.instanceId, 1)),
        403,
        'TaskNotAssigned',
      ],
      [
        'protect Y’s task naming Y',
        () =>
          agentCall('PUT', `/clusters/iso/tasks/${taskId}/protection?instanceId=${y()}`, x(), {
            protectionEnabled: true,
          }),
        403,
        'AccessDenied',
      ],
      [
        'protect Y’s task as itself',
        () => agentCall('PUT', `/clusters/iso/tasks/${taskId}/protection`, x(), { protectionEnabled: true }),
        403,
        'TaskNotAssigned',
      ],
      [
        'exchange Y’s credential',
        () => agentCall('POST', `/clusters/iso/instances/${y()}/credentials`, x()),
        403,
        'AccessDenied',
      ],
      [
        're-register as Y',
        () => agentCall('POST', '/clusters/iso/instances', x(), registration(y())),
        403,
        'AccessDenied',
      ],
      [
        'register a new instance',
        () => agentCall('POST', '/clusters/iso/instances', x(), registration()),
        403,
        'AccessDenied',
      ],
      [
        'poll as itself in another cluster',
        () => agentCall('POST', `/clusters/other/instances/${intruder.instanceId}/poll`, x(), { epoch: 1 }),
        403,
        'AccessDenied',
      ],
    ])('X cannot %s', async (_name, attempt, status, code) => {
      const answer = await attempt();
      expect(answer.status).toBe(status);
      expect(answer.json).toMatchObject({ code });
    });

    it('leaves Y’s task as it was, and Y’s own credential works for all of it', async () => {
      const before = await berth.ecs.send(new DescribeTasksCommand({ cluster: 'iso', tasks: [taskId] }));
      expect(before.tasks?.[0]?.lastStatus).toBe('PENDING');
      const bearer = owner.credential.token;
      const polled = await agentCall('POST', `/clusters/iso/instances/${y()}/poll`, bearer, { epoch: owner.epoch });
      expect(polled.status).toBe(200);
      expect(polled.json).toMatchObject({ changed: true, assignments: [expect.objectContaining({ taskId })] });
      expect((await agentCall('GET', `/clusters/iso/tasks/${taskId}`, bearer)).status).toBe(200);
      expect((await agentCall('POST', `/clusters/iso/tasks/${taskId}/state`, bearer, report(y(), 1))).status).toBe(200);
      const after = await berth.ecs.send(new DescribeTasksCommand({ cluster: 'iso', tasks: [taskId] }));
      expect(after.tasks?.[0]?.lastStatus).toBe('RUNNING');
    });

    it('lets Y re-attach and exchange its credential', async () => {
      const again = await agentCall('POST', '/clusters/iso/instances', owner.credential.token, registration(y()));
      expect(again.status).toBe(200);
      expect(again.json).toMatchObject({ instanceId: y(), credential: { token: expect.stringMatching(/^bic1\./) } });
      const exchanged = await agentCall('POST', `/clusters/iso/instances/${y()}/credentials`, owner.credential.token);
      // The credential that re-attached was replaced a moment ago: still within its grace period.
      expect(exchanged.status).toBe(200);
    });
  });

  it('stops working once its instance is deregistered', async () => {
    const instance = await registerInstance(berth, 'creds', resources);
    const bearer = instance.credential.token;
    expect(
      (await agentCall('POST', `/clusters/creds/instances/${instance.instanceId}/poll`, bearer, { epoch: 1 })).status,
    ).toBe(200);
    await berth.ecs.send(
      new DeregisterContainerInstanceCommand({ cluster: 'creds', containerInstance: instance.instanceId, force: true }),
    );
    for (const [method, path, body] of [
      ['POST', `/clusters/creds/instances/${instance.instanceId}/poll`, { epoch: 1 }],
      ['POST', `/clusters/creds/instances/${instance.instanceId}/credentials`, undefined],
      ['POST', '/clusters/creds/instances', registration(instance.instanceId)],
    ] as const) {
      const answer = await agentCall(method, path, bearer, body);
      expect(answer.status).toBe(404);
      expect(answer.json).toMatchObject({ code: 'InstanceNotFound' });
    }
  });

  describe('berth agents token', () => {
    const cli = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
      let stdout = '';
      let stderr = '';
      const code = await runBerth(args, {
        stdout: (t) => void (stdout += t),
        stderr: (t) => void (stderr += t),
        env: {
          BERTH_ENDPOINT: berth.endpoint,
          AWS_ACCESS_KEY_ID: berth.credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: berth.credentials.secretAccessKey,
          ...env,
        },
      });
      return { code, stdout, stderr };
    };

    it('prints a token that registers one instance', async () => {
      const made = await cli(['agents', 'token', '--cluster', 'creds', '--ttl', '10m']);
      expect(made.code).toBe(0);
      expect(made.stdout).toMatch(/^brt1_[A-Za-z0-9_-]{43}\n$/);
      expect(made.stderr).toMatch(/cluster creds: registers one instance until/);
      const token = made.stdout.trim();
      expect((await agentCall('POST', '/clusters/creds/instances', token, registration())).status).toBe(200);
    });

    it('answers JSON with --output json', async () => {
      const made = await cli(['agents', 'token', '--cluster', 'creds', '--uses', '3', '--output', 'json']);
      expect(made.code).toBe(0);
      expect(JSON.parse(made.stdout)).toMatchObject({ registrationToken: { cluster: 'creds', uses: 3 } });
    });

    it.each([
      ['no cluster', ['agents', 'token'], /--cluster/],
      ['a ttl past a day', ['agents', 'token', '--cluster', 'creds', '--ttl', '25h'], /--ttl/],
      ['zero uses', ['agents', 'token', '--cluster', 'creds', '--uses', '0'], /--uses/],
      ['an unknown verb', ['agents', 'burn'], /unknown agents command burn/],
    ])('refuses %s', async (_name, args, message) => {
      const answer = await cli(args);
      expect(answer.code).toBe(2);
      expect(answer.stderr).toMatch(message);
    });

    it('is refused for a key without berth:CreateRegistrationToken', async () => {
      const response = await berth.fetch(`${berth.endpoint}/admin/v1/access-keys`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          name: 'ecs-only',
          policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ecs:*', Resource: '*' }] },
        }),
      });
      const { accessKey } = createAccessKeyResponse.parse(await response.json());
      const answer = await cli(['agents', 'token', '--cluster', 'creds'], {
        AWS_ACCESS_KEY_ID: accessKey.accessKeyId,
        AWS_SECRET_ACCESS_KEY: accessKey.secretAccessKey,
      });
      expect(answer.code).toBe(1);
      expect(answer.stderr).toMatch(/AccessDeniedException: .*berth:CreateRegistrationToken/);
    });
  });
});
