import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedFetch } from '#cli/signed-fetch.ts';
import { ensureCluster } from '#shared/control/clusters.ts';
import { disconnectInstance } from '#shared/control/disconnect.ts';
import { writeLease } from '#shared/control/lease.ts';
import { instanceLeases } from '#shared/domain/collections.ts';
import { ManualClock } from '#shared/ports/clock.ts';
import { readAuditResponse } from '#shared/security/admin-api.ts';
import { registrationAnswer } from '#shared/security/agent-credentials.ts';
import { startSecureBerth, type SecureBerth } from './support/secure-berth.ts';

const HOUR = 3_600_000;

/**
 * A registration token registers new instances, and re-attaches an existing
 * one only once its own agent cannot: the instance is disconnected or its
 * credential has expired. Otherwise any token for the cluster would take a
 * live instance's credential, and with it its tasks and their secrets.
 * Over real HTTP, on a clock the test moves.
 */
describe('a registration token and a live instance', () => {
  const clock = new ManualClock(Date.now());
  let berth: SecureBerth;

  beforeAll(async () => {
    berth = await startSecureBerth({ clock, listen: true });
    await ensureCluster(berth.ctx, 'take');
  });
  afterAll(async () => {
    await berth?.close();
  });

  async function agentCall(path: string, bearer: string, body: unknown) {
    const response = await fetch(`${berth.endpoint}/agent/v1/clusters/take${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
      body: JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as unknown };
  }

  const token = async () =>
    (await berth.security.agents.createRegistrationToken({ cluster: 'take' })).registrationToken;
  const registration = (instanceId?: string) => ({
    resources: { cpu: 1024, memory: 1024, reservedPorts: [], reservedPortsUdp: [] },
    attributes: [],
    agentVersion: 'test',
    ...(instanceId !== undefined && { instanceId }),
  });

  async function register(bearer: string, instanceId?: string) {
    const answer = await agentCall('/instances', bearer, registration(instanceId));
    expect(answer.status).toBe(200);
    const parsed = registrationAnswer.parse(answer.json);
    return { instanceId: parsed.instanceId, epoch: parsed.epoch, credential: parsed.credential?.token ?? '' };
  }

  /** The audit log through the admin API, signed on the test's clock. */
  async function audit() {
    const send = signedFetch({ credentials: berth.adminKey, region: 'us-east-1', now: () => clock.now() });
    const since = new Date(clock.now() - 24 * HOUR).toISOString();
    const response = await send(`${berth.endpoint}/admin/v1/audit?limit=1000&since=${since}`);
    return readAuditResponse.parse(await response.json()).records;
  }

  it('refuses to re-attach a connected instance whose credential is valid, audits it, and spends nothing', async () => {
    const victim = await register(await token());
    const attacker = await token();

    const refused = await agentCall('/instances', attacker, registration(victim.instanceId));
    expect(refused.status).toBe(403);
    expect(refused.json).toMatchObject({
      code: 'AccessDenied',
      message: expect.stringContaining(`take over container instance ${victim.instanceId}`),
    });
    expect(JSON.stringify(refused.json)).not.toMatch(/bic1\./);

    // The victim's own credential is untouched and still the current one.
    expect(
      (await agentCall(`/instances/${victim.instanceId}/poll`, victim.credential, { epoch: victim.epoch })).status,
    ).toBe(200);
    expect((await agentCall(`/instances/${victim.instanceId}/credentials`, victim.credential, {})).status).toBe(200);

    const records = await audit();
    expect(records).toContainEqual(
      expect.objectContaining({
        action: 'ecs:RegisterContainerInstance',
        outcome: 'denied',
        errorCode: 'AccessDenied',
        resources: [`arn:aws:ecs:us-east-1:000000000000:container-instance/take/${victim.instanceId}`],
        principal: expect.stringMatching(/:registration-token\/[0-9a-f]{16}$/),
      }),
    );
    // The refused token was not spent: it still registers a new instance.
    expect((await register(attacker)).instanceId).not.toBe(victim.instanceId);
  });

  it('refuses a token used by many at once for a live instance, every time', async () => {
    const victim = await register(await token());
    const { registrationToken } = await berth.security.agents.createRegistrationToken({ cluster: 'take', uses: 5 });
    const answers = await Promise.all(
      [1, 2, 3].map(() => agentCall('/instances', registrationToken, registration(victim.instanceId))),
    );
    expect(answers.map((a) => a.status)).toEqual([403, 403, 403]);
  });

  it('re-attaches an instance once it is disconnected', async () => {
    const quiet = await register(await token());
    clock.advance(berth.ctx.settings.heartbeatTtlMs + 1_000);
    expect(await disconnectInstance(berth.ctx, 'take', quiet.instanceId)).toBe(true);
    const back = await register(await token(), quiet.instanceId);
    expect(back.instanceId).toBe(quiet.instanceId);
    expect(back.credential).toMatch(/^bic1\./);
    expect(
      (await agentCall(`/instances/${quiet.instanceId}/poll`, back.credential, { epoch: back.epoch })).status,
    ).toBe(200);
  });

  it('re-attaches an instance being declared disconnected (its lease fenced by the monitor)', async () => {
    const quiet = await register(await token());
    const lease = await berth.ctx.store.get(instanceLeases, instanceLeases.key('take', quiet.instanceId));
    expect(await writeLease(berth.ctx, 'take', quiet.instanceId, lease, (l) => l && { ...l, fenced: true })).toBe(true);
    expect((await register(await token(), quiet.instanceId)).instanceId).toBe(quiet.instanceId);
  });

  // Last: it moves the clock on by 12 hours.
  it('re-attaches an instance whose credential has expired', async () => {
    const down = await register(await token());
    clock.advance(12 * HOUR);
    const back = await register(await token(), down.instanceId);
    expect(back.instanceId).toBe(down.instanceId);
    expect((await agentCall(`/instances/${down.instanceId}/poll`, back.credential, { epoch: back.epoch })).status).toBe(
      200,
    );
  });
});
