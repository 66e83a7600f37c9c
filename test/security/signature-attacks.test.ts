import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '#shared/ports/clock.ts';
import { startSecureBerth, type SecureBerth } from './support/secure-berth.ts';
import { ecsCall, sign, type SignedRequest, type SignOptions } from './support/signing.ts';

type Tamper = (request: SignedRequest) => SignedRequest;

const withHeaders =
  (change: (headers: Record<string, string>) => void): Tamper =>
  (request) => {
    const headers = { ...request.init.headers };
    change(headers);
    return { ...request, init: { ...request.init, headers } };
  };

/**
 * Every form of bad signature is refused with the error type the AWS SDKs
 * expect for it, and writes nothing but its audit record: the control
 * plane's write count does not move, the security side writes no key and no
 * replay claim, and exactly one denied record joins the audit log.
 */
describe('signature verification', () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 15, 12, 0, 0));
  let berth: SecureBerth;
  const minutes = (n: number) => new Date(clock.now() + n * 60_000);

  beforeAll(async () => {
    // Every refusal here must be recorded one by one; the throttle on floods has its own suite.
    berth = await startSecureBerth({ clock, auditRefusalsPerMinute: 1000 });
  });
  afterAll(async () => {
    await berth?.close();
  });

  async function send(request: SignedRequest | Promise<SignedRequest>) {
    const { url, init } = await request;
    const response = await berth.app.request(url, init);
    const json = (await response.json()) as { __type?: string; message?: string };
    return { status: response.status, type: response.headers.get('x-amzn-errortype'), json };
  }

  function signed(operation: string, body: unknown, overrides: Partial<SignOptions> = {}) {
    return sign({ credentials: berth.adminKey, date: minutes(0), ...ecsCall(operation, body), ...overrides });
  }

  /** Sends a request that must be refused, and checks that only its audit record was written. */
  async function expectRefused(request: SignedRequest | Promise<SignedRequest>, type: string, message: RegExp) {
    const controlWrites = berth.ctx.store.stats.writes;
    const securityWrites = berth.securityStore.writesExcept('audit');
    const auditWrites = berth.securityStore.writesTo('audit');
    const answer = await send(request);
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(answer.type).toBe(type);
    expect(answer.json.__type).toBe(type);
    expect(answer.json.message).toMatch(message);
    expect(berth.ctx.store.stats.writes).toBe(controlWrites);
    expect(berth.securityStore.writesExcept('audit')).toBe(securityWrites);
    expect(berth.securityStore.writesTo('audit')).toBe(auditWrites + 1);
  }

  it('accepts a request signed with a valid key, in the header form', async () => {
    expect((await send(signed('CreateCluster', { clusterName: 'valid' }))).status).toBe(200);
  });

  it('accepts a presigned request (query-string form)', async () => {
    expect((await send(signed('ListClusters', {}, { presignSeconds: 60 }))).status).toBe(200);
  });

  it('accepts the one header a proxy adds in transit (CloudFront’s x-amz-cf-id)', async () => {
    const request = withHeaders((h) => (h['x-amz-cf-id'] = 'cf-request-id'))(await signed('ListClusters', {}));
    expect((await send(request)).status).toBe(200);
  });

  const body = { clusterName: 'attacked' };
  const cases: [string, () => Promise<SignedRequest>, string, RegExp][] = [
    [
      'a wrong access key',
      () =>
        signed('CreateCluster', body, {
          credentials: { accessKeyId: 'BKIAAAAAAAAAAAAAAAAA', secretAccessKey: berth.adminKey.secretAccessKey },
        }),
      'UnrecognizedClientException',
      /security token included in the request is invalid/,
    ],
    [
      'an access key from AWS',
      () =>
        signed('CreateCluster', body, {
          credentials: {
            accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
            secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
          },
        }),
      'UnrecognizedClientException',
      /invalid/,
    ],
    [
      'a wrong secret',
      () => signed('CreateCluster', body, { credentials: { ...berth.adminKey, secretAccessKey: 'not-the-secret' } }),
      'InvalidSignatureException',
      /signature we calculated does not match/,
    ],
    [
      'an altered body',
      async () => {
        const request = await signed('CreateCluster', body);
        return { ...request, init: { ...request.init, body: JSON.stringify({ clusterName: 'evil' }) } };
      },
      'InvalidSignatureException',
      /x-amz-content-sha256/,
    ],
    [
      'an altered body without the hash header',
      async () => {
        const request = withHeaders((h) => delete h['x-amz-content-sha256'])(await signed('CreateCluster', body));
        return { ...request, init: { ...request.init, body: JSON.stringify({ clusterName: 'evil' }) } };
      },
      'InvalidSignatureException',
      /does not match/,
    ],
    [
      'a body hash claimed but not sent (UNSIGNED-PAYLOAD)',
      () =>
        signed('CreateCluster', body, {
          ...ecsCall('CreateCluster', body, { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }),
        }),
      'InvalidSignatureException',
      /x-amz-content-sha256/,
    ],
    [
      'a body hash of another body, signed as claimed',
      async () => {
        // The attack on verifiers that trust the header: the signature is valid
        // over the claimed hash, and the body sent is a different one.
        const request = await signed('CreateCluster', { clusterName: 'harmless' });
        return { ...request, init: { ...request.init, body: JSON.stringify({ clusterName: 'evil' }) } };
      },
      'InvalidSignatureException',
      /x-amz-content-sha256/,
    ],
    [
      'an altered operation header',
      async () =>
        withHeaders((h) => (h['x-amz-target'] = 'AmazonEC2ContainerServiceV20141113.DeleteCluster'))(
          await signed('CreateCluster', body),
        ),
      'InvalidSignatureException',
      /does not match/,
    ],
    [
      'an altered signed header',
      async () => withHeaders((h) => (h['content-type'] = 'application/json'))(await signed('CreateCluster', body)),
      'InvalidSignatureException',
      /does not match/,
    ],
    [
      'an unsigned x-amz header added',
      async () => withHeaders((h) => (h['x-amz-meta'] = 'sneaky'))(await signed('CreateCluster', body)),
      'IncompleteSignatureException',
      /x-amz-meta.*signed/,
    ],
    [
      'an expired signature (6 minutes old)',
      () => signed('CreateCluster', body, { date: minutes(-6) }),
      'InvalidSignatureException',
      /Signature expired/,
    ],
    [
      'a future-dated signature (6 minutes ahead)',
      () => signed('CreateCluster', body, { date: minutes(6) }),
      'InvalidSignatureException',
      /Signature not yet current/,
    ],
    [
      'a wrong region',
      () => signed('CreateCluster', body, { region: 'eu-west-1' }),
      'InvalidSignatureException',
      /region/,
    ],
    [
      'a wrong service',
      () => signed('CreateCluster', body, { service: 's3' }),
      'InvalidSignatureException',
      /service: 'ecs'/,
    ],
    [
      'no signature at all',
      async () => {
        const call = ecsCall('CreateCluster', body);
        return {
          url: 'http://berth.test/',
          init: { method: 'POST', headers: call.headers ?? {}, body: call.body ?? '' },
        };
      },
      'MissingAuthenticationTokenException',
      /Missing Authentication Token/,
    ],
    [
      'a missing x-amz-date header',
      async () => withHeaders((h) => delete h['x-amz-date'])(await signed('CreateCluster', body)),
      'IncompleteSignatureException',
      /X-Amz-Date/,
    ],
    [
      'a missing host in SignedHeaders',
      async () =>
        withHeaders((h) => (h.authorization = (h.authorization ?? '').replace('host;', '')))(
          await signed('CreateCluster', body),
        ),
      'IncompleteSignatureException',
      /Host/,
    ],
    [
      'a truncated signature',
      async () =>
        withHeaders((h) => (h.authorization = (h.authorization ?? '').slice(0, -2)))(
          await signed('CreateCluster', body),
        ),
      'IncompleteSignatureException',
      /Signature/,
    ],
    [
      'an upper-case signature',
      async () =>
        withHeaders(
          (h) =>
            (h.authorization = (h.authorization ?? '').replace(
              /Signature=(\w+)/,
              (_, s: string) => `Signature=${s.toUpperCase()}`,
            )),
        )(await signed('CreateCluster', body)),
      'IncompleteSignatureException',
      /Signature/,
    ],
    [
      'another algorithm',
      async () =>
        withHeaders(
          (h) => (h.authorization = (h.authorization ?? '').replace('AWS4-HMAC-SHA256', 'AWS4-ECDSA-P256-SHA256')),
        )(await signed('CreateCluster', body)),
      'IncompleteSignatureException',
      /algorithm/,
    ],
    [
      'a session token',
      () => signed('CreateCluster', body, { credentials: { ...berth.adminKey, sessionToken: 'token' } }),
      'UnrecognizedClientException',
      /invalid/,
    ],
    [
      'an expired presigned request',
      () => signed('CreateCluster', body, { presignSeconds: 60, date: minutes(-2) }),
      'InvalidSignatureException',
      /expired/,
    ],
    [
      'a presigned request with a parameter added',
      async () => {
        const request = await signed('CreateCluster', body, { presignSeconds: 60 });
        return { ...request, url: `${request.url}&extra=1` };
      },
      'InvalidSignatureException',
      /does not match/,
    ],
    [
      'both an Authorization header and a signed query',
      async () => {
        const presigned = await signed('CreateCluster', body, { presignSeconds: 60 });
        const header = await signed('CreateCluster', body);
        return { url: presigned.url, init: header.init };
      },
      'IncompleteSignatureException',
      /Only one authentication mechanism/,
    ],
  ];

  it.each(cases)('refuses %s and writes nothing', async (_name, request, type, message) => {
    await expectRefused(request(), type, message);
  });

  it('refuses a request replayed within its validity when it signs a per-call id, and runs it only once', async () => {
    const request = await signed(
      'CreateCluster',
      { clusterName: 'once' },
      ecsCall('CreateCluster', { clusterName: 'once' }, { 'amz-sdk-invocation-id': randomUUID() }),
    );
    expect((await send(request)).status).toBe(200);
    await expectRefused(request, 'InvalidSignatureException', /already been used/);
    const listed = await send(signed('ListClusters', {}));
    expect(JSON.stringify(listed.json).match(/cluster\/once"/g)).toHaveLength(1);
  });

  it('runs twice a mutating request signed without a per-call id, as AWS does (botocore signs none)', async () => {
    // Two identical calls in the same second sign identically; nothing tells the second from a replay.
    const request = await signed('RegisterTaskDefinition', {
      family: 'twice',
      containerDefinitions: [{ name: 'a', image: 'busybox', memory: 64 }],
    });
    const claims = berth.securityStore.writesExcept('audit');
    const first = await send(request);
    const second = await send(request);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(berth.securityStore.writesExcept('audit')).toBe(claims);
  });

  it('lets a read-only request through twice (reads pay no replay claim)', async () => {
    const request = await signed('ListClusters', {});
    const writes = berth.securityStore.writesExcept('audit');
    expect((await send(request)).status).toBe(200);
    expect((await send(request)).status).toBe(200);
    expect(berth.securityStore.writesExcept('audit')).toBe(writes);
  });

  it('refuses a key once it is disabled', async () => {
    const created = await berth.security.admin.createAccessKey({ admin: true, name: 'short-lived' });
    const key = { accessKeyId: created.accessKeyId, secretAccessKey: created.secretAccessKey };
    expect((await send(signed('ListClusters', {}, { credentials: key }))).status).toBe(200);
    await berth.security.admin.disableAccessKey(created.accessKeyId);
    await expectRefused(signed('CreateCluster', body, { credentials: key }), 'UnrecognizedClientException', /invalid/);
  });

  // Last: it moves the clock on.
  it('refuses a captured request replayed after it expired', async () => {
    const request = await signed('CreateCluster', { clusterName: 'captured' });
    expect((await send(request)).status).toBe(200);
    clock.advance(5 * 60_000 + 1000);
    await expectRefused(request, 'InvalidSignatureException', /Signature expired/);
  });
});
