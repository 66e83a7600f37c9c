import { afterEach, describe, expect, it } from 'vitest';
import { hostCredentials, hostRegion } from '#agent/host/aws-credentials.ts';
import { startFakeImds } from '#test/support/fake-imds.ts';

type FakeImds = Awaited<ReturnType<typeof startFakeImds>>;
let imds: FakeImds | undefined;
afterEach(async () => {
  await imds?.close();
  imds = undefined;
});

const HOUR = 60 * 60 * 1000;
const T0 = Date.parse('2026-12-06T12:00:00Z');

/** A fake IMDS whose role hands out keys numbered by fetch, expiring an hour after T0. */
async function imdsWithRole(): Promise<FakeImds> {
  let issued = 0;
  imds = await startFakeImds({
    instanceId: 'i-0123456789abcdef0',
    region: 'eu-west-3',
    role: {
      name: 'berth-agent-host',
      credentials: () => {
        issued++;
        return {
          AccessKeyId: `ASIAROLE${issued}`,
          SecretAccessKey: 'role-secret',
          Token: `role-token-${issued}`,
          Expiration: new Date(T0 + HOUR).toISOString(),
        };
      },
    },
  });
  return imds;
}

describe("the agent's AWS credential chain (environment, then the instance role)", () => {
  it('takes keys from the environment first, with the session token when set', async () => {
    const service = await imdsWithRole();
    const provider = hostCredentials({
      env: { AWS_ACCESS_KEY_ID: 'AKIAENV', AWS_SECRET_ACCESS_KEY: 'env-secret', AWS_SESSION_TOKEN: 'env-token' },
      imds: { endpoint: service.endpoint, timeoutMs: 1_000 },
    });
    expect(await provider()).toEqual({
      accessKeyId: 'AKIAENV',
      secretAccessKey: 'env-secret',
      sessionToken: 'env-token',
    });
    expect(service.served.credentials).toBe(0);
  });

  it('reads the instance role through IMDSv2 when the environment has no keys, and keeps them until near Expiration', async () => {
    const service = await imdsWithRole();
    let now = T0;
    const provider = hostCredentials({
      // A key id without its secret is no environment credential, as for the SDK.
      env: { AWS_ACCESS_KEY_ID: 'AKIAHALF' },
      imds: { endpoint: service.endpoint, timeoutMs: 1_000 },
      now: () => now,
    });
    expect(await provider()).toEqual({
      accessKeyId: 'ASIAROLE1',
      secretAccessKey: 'role-secret',
      sessionToken: 'role-token-1',
    });
    now = T0 + 50 * 60 * 1000;
    expect((await provider()).accessKeyId).toBe('ASIAROLE1');
    expect(service.served.credentials).toBe(1);
    // Four minutes before Expiration: inside the refresh window, fetched again.
    now = T0 + 56 * 60 * 1000;
    expect(await provider()).toMatchObject({ accessKeyId: 'ASIAROLE2', sessionToken: 'role-token-2' });
    expect(service.served.credentials).toBe(2);
  });

  it('fetches the role once for calls made together', async () => {
    const service = await imdsWithRole();
    const provider = hostCredentials({ env: {}, imds: { endpoint: service.endpoint, timeoutMs: 1_000 } });
    const all = await Promise.all([provider(), provider(), provider()]);
    expect(new Set(all.map((c) => c.accessKeyId))).toEqual(new Set(['ASIAROLE1']));
    expect(service.served.credentials).toBe(1);
  });

  it('rejects, naming why, when no source has credentials', async () => {
    imds = await startFakeImds({ instanceId: 'i-0123456789abcdef0' });
    const noRole = hostCredentials({ env: {}, imds: { endpoint: imds.endpoint, timeoutMs: 1_000 } });
    await expect(noRole()).rejects.toThrow('no AWS credentials: the EC2 instance has no IAM role');
    const noImds = hostCredentials({ env: {}, imds: undefined });
    await expect(noImds()).rejects.toThrow(/AWS_ACCESS_KEY_ID\/AWS_SECRET_ACCESS_KEY are unset and IMDS is off/);
    const disabled = hostCredentials({
      env: { AWS_EC2_METADATA_DISABLED: 'true' },
      imds: { endpoint: imds.endpoint, timeoutMs: 1_000 },
    });
    await expect(disabled()).rejects.toThrow(/IMDS is off/);
  });
});

describe("the agent's AWS region", () => {
  it('is AWS_REGION, then AWS_DEFAULT_REGION, then the instance placement from IMDS', async () => {
    const service = await imdsWithRole();
    const at = { endpoint: service.endpoint, timeoutMs: 1_000 };
    expect(await hostRegion({ env: { AWS_REGION: 'us-west-2', AWS_DEFAULT_REGION: 'eu-north-1' }, imds: at })()).toBe(
      'us-west-2',
    );
    expect(await hostRegion({ env: { AWS_DEFAULT_REGION: 'eu-north-1' }, imds: at })()).toBe('eu-north-1');
    expect(await hostRegion({ env: {}, imds: at })()).toBe('eu-west-3');
    expect(await hostRegion({ env: {}, imds: undefined })()).toBeUndefined();
  });
});
