import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbStore } from '#functions/adapters/dynamodb-store.ts';
import { sdkCalls } from '#functions/adapters/dynamodb-calls.ts';
import { ensureTable } from '#functions/adapters/dynamodb-table.ts';
import { createInProcessQueue } from '#functions/adapters/in-process-queue.ts';
import { queueReconciles } from '#functions/adapters/reconcile-queue.ts';
import { createApp } from '#functions/api/app.ts';
import { controlContext } from '#functions/runtime/control-context.ts';
import { startEmbeddedDynamoDb } from '#functions/runtime/embedded-dynamodb.ts';
import { parseEnvironment } from '#functions/runtime/env.ts';
import { createSecurity, ephemeralCipher, type Security } from '#functions/security/index.ts';
import { ensureCluster } from '#shared/control/clusters.ts';
import type { ControlContext } from '#shared/control/context.ts';
import { ManualClock } from '#shared/ports/clock.ts';
import type { Store } from '#shared/ports/store.ts';
import {
  createRegistrationTokenResponse,
  registrationAnswer,
  rotationAnswer,
} from '#shared/security/agent-credentials.ts';
import { sign } from './support/signing.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Agent credentials over time, on a clock the test moves: tokens expire,
 * credentials expire and are exchanged, a replaced credential works for its
 * grace period and then not, and checking one costs no table read.
 */
describe('agent credential lifetimes', () => {
  const clock = new ManualClock(Date.UTC(2026, 3, 1, 8, 0, 0));
  const cipher = ephemeralCipher();
  let berth: LifetimeBerth;

  beforeAll(async () => {
    berth = await startLifetimeBerth(clock, cipher);
    await ensureCluster(berth.ctx, 'life');
  });
  afterAll(async () => {
    await berth?.close();
  });

  /** Another control-plane process (a second Lambda container) over the same table and key. */
  const elsewhere = () => createApp({ ctx: berth.ctx, guard: berth.securityIn(clock, cipher).guard });

  async function agentCall(method: string, path: string, bearer: string | undefined, body?: unknown, app = berth.app) {
    const response = await app.request(`http://berth.test/agent/v1/clusters/life${path}`, {
      method,
      headers: {
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...(bearer !== undefined && { authorization: `Bearer ${bearer}` }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const json: unknown = await response.json();
    return { status: response.status, json };
  }

  const registration = (instanceId?: string) => ({
    resources: { cpu: 1024, memory: 1024, reservedPorts: [], reservedPortsUdp: [] },
    attributes: [],
    agentVersion: 'test',
    ...(instanceId !== undefined && { instanceId }),
  });

  const token = async (options: { ttlSeconds?: number; uses?: number } = {}) =>
    (await berth.security.agents.createRegistrationToken({ cluster: 'life', ...options })).registrationToken;

  async function register(bearer: string, instanceId?: string) {
    const answer = await agentCall('POST', '/instances', bearer, registration(instanceId));
    expect(answer.status).toBe(200);
    const parsed = registrationAnswer.parse(answer.json);
    if (!parsed.credential) throw new Error('no credential in the answer');
    return { ...parsed, credential: parsed.credential };
  }

  const poll = (instanceId: string, bearer: string) =>
    agentCall('POST', `/instances/${instanceId}/poll`, bearer, { epoch: 1 });
  const rotate = (instanceId: string, bearer: string) =>
    agentCall('POST', `/instances/${instanceId}/credentials`, bearer);

  it('expires a registration token after its ttl', async () => {
    const short = await token({ ttlSeconds: 60 });
    clock.advance(61_000);
    const answer = await agentCall('POST', '/instances', short, registration());
    expect(answer.status).toBe(401);
    expect(answer.json).toMatchObject({ code: 'InvalidRegistrationToken', message: expect.stringMatching(/expired/) });
  });

  it('lets a token with three uses register three instances and no fourth', async () => {
    const shared = await token({ uses: 3 });
    const answers = await Promise.all([1, 2, 3, 4].map(() => agentCall('POST', '/instances', shared, registration())));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 401]);
  });

  it('lets exactly one of five racing registrations spend a single-use token', async () => {
    const single = await token();
    const answers = await Promise.all(
      [1, 2, 3, 4, 5].map(() => agentCall('POST', '/instances', single, registration())),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 401)).toHaveLength(4);
  });

  it('issues a credential for 12 hours and refuses it afterwards', async () => {
    const instance = await register(await token());
    expect(instance.credential.expiresAt - instance.credential.issuedAt).toBe(12 * HOUR);
    clock.advance(12 * HOUR - 1);
    expect((await poll(instance.instanceId, instance.credential.token)).status).toBe(200);
    clock.advance(1);
    const expired = await poll(instance.instanceId, instance.credential.token);
    expect(expired.status).toBe(401);
    expect(expired.json).toMatchObject({ code: 'ExpiredCredential' });
    // Nor can an expired credential re-attach its instance; a new registration token can.
    expect(
      (await agentCall('POST', '/instances', instance.credential.token, registration(instance.instanceId))).status,
    ).toBe(401);
    const again = await register(await token(), instance.instanceId);
    expect(again.instanceId).toBe(instance.instanceId);
    expect((await poll(instance.instanceId, again.credential.token)).status).toBe(200);
  });

  it('exchanges a credential; the replaced one works for five minutes and mints nothing after', async () => {
    const instance = await register(await token());
    const old = instance.credential.token;
    clock.advance(8 * HOUR);
    const exchanged = await rotate(instance.instanceId, old);
    expect(exchanged.status).toBe(200);
    const fresh = rotationAnswer.parse(exchanged.json).credential;
    expect(fresh.token).not.toBe(old);
    expect(fresh.expiresAt).toBe(clock.now() + 12 * HOUR);

    clock.advance(5 * MINUTE - 1);
    expect((await poll(instance.instanceId, old)).status).toBe(200);
    clock.advance(1);
    const superseded = await poll(instance.instanceId, old);
    expect(superseded.status).toBe(401);
    expect(superseded.json).toMatchObject({ code: 'SupersededCredential' });
    expect((await rotate(instance.instanceId, old)).status).toBe(401);
    expect((await agentCall('POST', '/instances', old, registration(instance.instanceId))).status).toBe(401);
    expect((await poll(instance.instanceId, fresh.token)).status).toBe(200);
  });

  it('refuses a replaced credential for exchange even where no poll has seen the new one', async () => {
    const instance = await register(await token());
    const old = instance.credential.token;
    expect((await rotate(instance.instanceId, old)).status).toBe(200);
    clock.advance(5 * MINUTE);
    // Another process has never seen the new credential; the instance's record still refuses the old one.
    expect(
      (await agentCall('POST', `/instances/${instance.instanceId}/credentials`, old, undefined, elsewhere())).status,
    ).toBe(401);
  });

  it('verifies by computation: other processes accept the credential, and a poll reads no security item', async () => {
    const instance = await register(await token());
    expect(
      (
        await agentCall(
          'POST',
          `/instances/${instance.instanceId}/poll`,
          instance.credential.token,
          { epoch: 1 },
          elsewhere(),
        )
      ).status,
    ).toBe(200);
    const reads = berth.securityStore.stats.reads;
    for (let i = 0; i < 10; i++) expect((await poll(instance.instanceId, instance.credential.token)).status).toBe(200);
    expect(berth.securityStore.stats.reads).toBe(reads);
  });

  it('creates tokens through the admin API within its bounds', async () => {
    const admin = async (body: unknown) => {
      const { url, init } = await sign({
        credentials: berth.adminKey,
        date: new Date(clock.now()),
        method: 'POST',
        path: '/admin/v1/registration-tokens',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const response = await berth.app.request(url, init);
      const json: unknown = await response.json();
      return { status: response.status, json, cache: response.headers.get('cache-control') };
    };
    const made = await admin({ cluster: 'life', ttlSeconds: 3600 });
    expect(made.status).toBe(200);
    expect(made.cache).toBe('no-store');
    const created = createRegistrationTokenResponse.parse(made.json).registrationToken;
    expect(Date.parse(created.expiresAt)).toBe(clock.now() + HOUR);
    expect(created.uses).toBe(1);
    for (const bad of [
      { cluster: 'life', ttlSeconds: 86_401 },
      { cluster: 'life', ttlSeconds: 59 },
      { cluster: 'no such/name' },
      { cluster: 'life', uses: 1001 },
    ]) {
      expect((await admin(bad)).status).toBe(400);
    }
  });
});

interface LifetimeBerth {
  readonly app: Hono;
  readonly ctx: ControlContext;
  readonly security: Security;
  /** The security side's own store: its reads are what a credential check would cost. */
  readonly securityStore: Store;
  readonly adminKey: { accessKeyId: string; secretAccessKey: string };
  securityIn(clock: ManualClock, cipher: ReturnType<typeof ephemeralCipher>): Security;
  close(): Promise<void>;
}

/** The API over an embedded DynamoDB with the security guard, on the test's clock and cipher. */
async function startLifetimeBerth(
  clock: ManualClock,
  cipher: ReturnType<typeof ephemeralCipher>,
): Promise<LifetimeBerth> {
  const dynamo = await startEmbeddedDynamoDb();
  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: dynamo.region,
    credentials: dynamo.credentials,
  });
  const env = parseEnvironment({});
  await ensureTable(client, env.BERTH_TABLE_NAME);
  const queue = createInProcessQueue({ visibilityTimeoutSeconds: 30, maxReceiveCount: 5 });
  const storeOf = () =>
    createDynamoDbStore({ client: sdkCalls(client), tableName: env.BERTH_TABLE_NAME, now: () => clock.now() });
  const ctx = controlContext(env, { store: storeOf(), reconcile: queueReconciles(queue), clock });
  const securityIn = (c: ManualClock, withCipher: typeof cipher) =>
    createSecurity({ store: storeOf(), clock: c, cipher: withCipher, deployment: ctx.deployment });
  const securityStore = storeOf();
  const security = createSecurity({ store: securityStore, clock, cipher, deployment: ctx.deployment });
  const adminKey = await security.bootstrapAdminKey();
  if (!adminKey) throw new Error('a fresh table must bootstrap an admin key');
  return {
    app: createApp({ ctx, guard: security.guard, admin: security.admin }),
    ctx,
    security,
    securityStore,
    adminKey,
    securityIn,
    async close() {
      queue.close();
      client.destroy();
      await dynamo.close();
    },
  };
}
