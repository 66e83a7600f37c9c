import { CreateClusterCommand, ECSClient } from '@aws-sdk/client-ecs';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedFetch } from '#cli/signed-fetch.ts';
import { SUPPRESSED_ACTION } from '#functions/security/audit-recorder.ts';
import { ensureCluster } from '#shared/control/clusters.ts';
import { ManualClock } from '#shared/ports/clock.ts';
import { registrationAnswer } from '#shared/security/agent-credentials.ts';
import type { AuditRecord } from '#shared/security/audit-record.ts';
import { auditViaCli } from './support/audit-cli.ts';
import { agentRequest } from '../support/agent-request.ts';
import { startSecureBerth, type SecureBerth } from './support/secure-berth.ts';

const ACCOUNT = 'arn:aws:ecs:us-east-1:000000000000';
const TARGET = 'AmazonEC2ContainerServiceV20141113.';

/**
 * Every refused call is an attack signal and reaches the audit log, over
 * real HTTP, read back with `berth audit` as an operator would: refusals of
 * the signature (absent, bad, unknown key, and for an operation Berth does
 * not know), of policy, and on the agent API (no credential, a forged one,
 * one used for another instance).
 */
describe('refused calls in the audit log', () => {
  let berth: SecureBerth;
  let x: { instanceId: string; token: string };
  let y: { instanceId: string; token: string };
  let reader: { accessKeyId: string; secretAccessKey: string };
  const clients: ECSClient[] = [];

  beforeAll(async () => {
    berth = await startSecureBerth({ listen: true });
    await ensureCluster(berth.ctx, 'watched');
    x = await register();
    y = await register();
    const created = await berth.security.admin.createAccessKey({
      name: 'reader',
      policy: { Statement: [{ Effect: 'Allow', Action: ['ecs:Describe*', 'ecs:List*'], Resource: ['*'] }] },
    });
    reader = { accessKeyId: created.accessKeyId, secretAccessKey: created.secretAccessKey };
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await berth?.close();
  });

  async function register() {
    const { registrationToken } = await berth.security.agents.createRegistrationToken({ cluster: 'watched' });
    const response = await agentCall('POST', '/clusters/watched/instances', registrationToken, {
      resources: { cpu: 1024, memory: 1024, reservedPorts: [], reservedPortsUdp: [] },
      attributes: [],
      agentVersion: 'test',
    });
    const answer = registrationAnswer.parse(response.json);
    return { instanceId: answer.instanceId, token: answer.credential?.token ?? '' };
  }

  async function agentCall(method: string, path: string, bearer: string | undefined, body?: unknown) {
    const response = await agentRequest(berth.endpoint, method, path, bearer, body);
    return { status: response.status, json: (await response.json()) as unknown };
  }

  async function ecsRaw(operation: string, headers: Record<string, string> = {}, send: typeof fetch = fetch) {
    const response = await send(`${berth.endpoint}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${TARGET}${operation}`, ...headers },
      body: '{}',
    });
    return {
      status: response.status,
      type: response.headers.get('x-amzn-errortype'),
      requestId: response.headers.get('x-amzn-requestid') ?? '',
    };
  }

  function ecs(credentials: { accessKeyId: string; secretAccessKey: string }): ECSClient {
    const client = new ECSClient({ endpoint: berth.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
    clients.push(client);
    return client;
  }

  async function sdkRefusal(credentials: { accessKeyId: string; secretAccessKey: string }): Promise<string> {
    const error: unknown = await ecs(credentials)
      .send(new CreateClusterCommand({ clusterName: `refused-${randomUUID().slice(0, 8)}` }))
      .catch((e: unknown) => e);
    const requestId = (error as { $metadata?: { requestId?: string } }).$metadata?.requestId;
    if (requestId === undefined) throw new Error('the refusal carries no request id');
    return requestId;
  }

  const byRequest = async (requestId: string) =>
    (await auditViaCli(berth.endpoint, berth.adminKey)).find((r) => r.requestId === requestId);

  it.each<[string, () => Promise<string>, Partial<AuditRecord>]>([
    [
      'an unsigned request for an operation Berth does not know',
      async () => (await ecsRaw('LaunchRockets')).requestId,
      {
        action: 'ecs:LaunchRockets',
        principal: 'anonymous',
        outcome: 'denied',
        errorCode: 'MissingAuthenticationTokenException',
      },
    ],
    [
      'a signed request for an operation Berth does not know',
      async () =>
        (await ecsRaw('LaunchRockets', {}, signedFetch({ credentials: berth.adminKey, region: 'us-east-1' })))
          .requestId,
      { action: 'ecs:LaunchRockets', outcome: 'failed', errorCode: 'UnknownOperationException' },
    ],
    [
      'a request without a signature',
      async () => (await ecsRaw('CreateCluster')).requestId,
      {
        action: 'ecs:CreateCluster',
        principal: 'anonymous',
        outcome: 'denied',
        errorCode: 'MissingAuthenticationTokenException',
      },
    ],
    [
      'a bad signature',
      () => sdkRefusal({ ...berth.adminKey, secretAccessKey: 'wrong' }),
      {
        action: 'ecs:CreateCluster',
        principal: 'anonymous',
        outcome: 'denied',
        errorCode: 'InvalidSignatureException',
      },
    ],
    [
      'an unknown key',
      () => sdkRefusal({ accessKeyId: 'BKIAUNKNOWNUNKNOWN23', secretAccessKey: 'x' }),
      {
        action: 'ecs:CreateCluster',
        accessKeyId: 'BKIAUNKNOWNUNKNOWN23',
        outcome: 'denied',
        errorCode: 'UnrecognizedClientException',
      },
    ],
    [
      'a call the key’s policy does not allow',
      () => sdkRefusal(reader),
      { action: 'ecs:CreateCluster', outcome: 'denied', errorCode: 'AccessDeniedException' },
    ],
  ])('records %s', async (_name, call, expected) => {
    const requestId = await call();
    expect(requestId).not.toBe('');
    const record = await byRequest(requestId);
    expect(record).toMatchObject({ ...expected, sourceAddress: expect.stringMatching(/127\.0\.0\.1$/) });
  });

  /** The records of agent refusals for this resource and error code. */
  async function agentRefusals(resource: string, errorCode: string): Promise<AuditRecord[]> {
    const records = await auditViaCli(berth.endpoint, berth.adminKey);
    return records.filter((r) => r.outcome === 'denied' && r.errorCode === errorCode && r.resources.includes(resource));
  }

  /** X's credential with its claims rewritten to name Y: the MAC no longer matches. */
  function forgedFor(instanceId: string): string {
    const [prefix, payload = '', mac = ''] = x.token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    return `${prefix}.${Buffer.from(JSON.stringify({ ...claims, i: instanceId }), 'utf8').toString('base64url')}.${mac}`;
  }

  it('records an agent call without a credential', async () => {
    const answer = await agentCall('POST', `/clusters/watched/instances/${y.instanceId}/poll`, undefined, { epoch: 1 });
    expect(answer.status).toBe(401);
    const records = await agentRefusals(`${ACCOUNT}:container-instance/watched/${y.instanceId}`, 'MissingCredential');
    expect(records).toEqual([expect.objectContaining({ action: 'ecs:Poll', principal: 'anonymous' })]);
  });

  it('records a forged instance credential', async () => {
    const answer = await agentCall(
      'POST',
      `/clusters/watched/instances/${y.instanceId}/credentials`,
      forgedFor(y.instanceId),
    );
    expect(answer.status).toBe(401);
    expect(answer.json).toMatchObject({ code: 'InvalidCredential' });
    const records = await agentRefusals(`${ACCOUNT}:container-instance/watched/${y.instanceId}`, 'InvalidCredential');
    expect(records).toEqual([
      expect.objectContaining({ action: 'berth:RotateAgentCredential', principal: 'anonymous' }),
    ]);
  });

  it.each<[string, string, () => string, () => unknown, () => string, string]>([
    [
      'poll as Y',
      'POST',
      () => `/clusters/watched/instances/${y.instanceId}/poll`,
      () => ({ epoch: 1 }),
      () => `container-instance/watched/${y.instanceId}`,
      'ecs:Poll',
    ],
    [
      'fetch a task naming Y',
      'GET',
      () => `/clusters/watched/tasks/t-audit?instanceId=${y.instanceId}`,
      () => undefined,
      () => 'task/watched/t-audit',
      'ecs:Poll',
    ],
    [
      'report for Y',
      'POST',
      () => `/clusters/watched/instances/${y.instanceId}/reports`,
      () => ({ instanceId: y.instanceId, epoch: 1, reports: [] }),
      () => `container-instance/watched/${y.instanceId}`,
      'ecs:SubmitTaskStateChange',
    ],
  ])('records X’s credential used to %s', async (_name, method, path, body, resource, action) => {
    const answer = await agentCall(method, path(), x.token, body());
    expect(answer.status).toBe(403);
    const records = (await agentRefusals(`${ACCOUNT}:${resource()}`, 'AccessDenied')).filter(
      (r) => r.action === action,
    );
    expect(records).toEqual([
      expect.objectContaining({
        action,
        principal: `${ACCOUNT}:container-instance/watched/${x.instanceId}`,
        errorMessage: expect.stringContaining(y.instanceId),
      }),
    ]);
  });

  it('keeps credentials and tokens out of every record', async () => {
    const records = await auditViaCli(berth.endpoint, berth.adminKey);
    expect(records.length).toBeGreaterThan(10);
    expect(JSON.stringify(records)).not.toMatch(/bic1\.|brt1_/);
  });
});

/**
 * A flood of refused unauthenticated calls cannot flood the table: per
 * source and minute the first 20 are recorded in full, the rest counted
 * into one summary record written once the minute is over.
 */
describe('the audit throttle on refused unauthenticated calls', () => {
  const clock = new ManualClock(Date.now());
  let berth: SecureBerth;

  beforeAll(async () => {
    berth = await startSecureBerth({ listen: true, clock });
  });
  afterAll(async () => {
    await berth?.close();
  });

  const unsigned = () =>
    fetch(`${berth.endpoint}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${TARGET}CreateCluster` },
      body: '{}',
    });
  const noCredential = () =>
    fetch(`${berth.endpoint}/agent/v1/clusters/any/instances/i-1/poll`, { method: 'POST', body: '{}' });

  it('records 20 refusals per source and minute in full, then one summary of the rest', async () => {
    const writes = berth.securityStore.writesTo('audit');
    // Both APIs spend one budget: 15 + 10 refusals from this address in one minute.
    for (let i = 0; i < 15; i++) expect((await unsigned()).status).toBe(403);
    for (let i = 0; i < 10; i++) expect((await noCredential()).status).toBe(401);
    expect(berth.securityStore.writesTo('audit') - writes).toBe(20);

    clock.advance(60_000);
    expect((await unsigned()).status).toBe(403);
    expect(berth.securityStore.writesTo('audit') - writes).toBe(22);

    const records = await auditViaCli(berth.endpoint, berth.adminKey);
    const summaries = records.filter((r) => r.action === SUPPRESSED_ACTION);
    expect(summaries).toEqual([
      expect.objectContaining({
        principal: 'anonymous',
        outcome: 'denied',
        sourceAddress: expect.stringMatching(/127\.0\.0\.1$/),
        errorMessage: expect.stringMatching(/^5 more refused unauthenticated calls from \S*127\.0\.0\.1 between /),
      }),
    ]);
    expect(records.filter((r) => r.errorCode === 'MissingAuthenticationTokenException')).toHaveLength(16);
    expect(records.filter((r) => r.errorCode === 'MissingCredential')).toHaveLength(5);
  });

  it('throttles refusals to a registration token as well: it cannot be revoked before it expires', async () => {
    clock.advance(60_000);
    await ensureCluster(berth.ctx, 'flood');
    const { registrationToken } = await berth.security.agents.createRegistrationToken({ cluster: 'flood', uses: 50 });
    const register = (instanceId?: string) =>
      fetch(`${berth.endpoint}/agent/v1/clusters/flood/instances`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${registrationToken}` },
        body: JSON.stringify({
          resources: { cpu: 1024, memory: 1024, reservedPorts: [], reservedPortsUdp: [] },
          attributes: [],
          agentVersion: 'test',
          ...(instanceId !== undefined && { instanceId }),
        }),
      });
    const live = registrationAnswer.parse(await (await register()).json());
    const writes = berth.securityStore.writesTo('audit');
    // The same token, over and over, for a live instance: each refused (403), 20 recorded.
    for (let i = 0; i < 25; i++) expect((await register(live.instanceId)).status).toBe(403);
    expect(berth.securityStore.writesTo('audit') - writes).toBe(20);
  });

  it('always records refusals of a proven key, however many', async () => {
    const reader = await berth.security.admin.createAccessKey({
      name: 'reader',
      policy: { Statement: [{ Effect: 'Allow', Action: ['ecs:List*'], Resource: ['*'] }] },
    });
    const send = signedFetch({ credentials: reader, region: 'us-east-1', now: () => clock.now() });
    const writes = berth.securityStore.writesTo('audit');
    for (let i = 0; i < 25; i++) {
      const response = await send(`${berth.endpoint}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${TARGET}CreateCluster` },
        body: JSON.stringify({ clusterName: `denied-${i}` }),
      });
      expect(response.headers.get('x-amzn-errortype')).toBe('AccessDeniedException');
    }
    expect(berth.securityStore.writesTo('audit') - writes).toBe(25);
  });
});
