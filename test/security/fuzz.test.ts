import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ecsOperations } from '#functions/api/ecs/router.ts';
import { openGuard } from '#functions/api/guard.ts';
import { ManualClock } from '#shared/ports/clock.ts';
import { AUDIT_THROTTLE_DEFAULTS } from '#shared/security/audit-throttle.ts';
import { deepNesting, fieldPaths, jsonSchemaOf, setAt, wrongValue } from './support/malformed-requests.ts';
import { startSecureBerth, type SecureBerth } from './support/secure-berth.ts';

const TARGET = 'AmazonEC2ContainerServiceV20141113.';
const RUNS = 10_000;

interface Fuzzed {
  readonly kind: string;
  readonly target?: string;
  readonly body: string | Uint8Array;
}

const operations = Object.entries(ecsOperations);
const fields = operations.flatMap(([name, op]) =>
  fieldPaths(jsonSchemaOf(op.schema)).map((field) => ({ name, field })),
);

/** Malformed for certain: an unknown target, bytes that are not JSON, or JSON the operation's schema refuses. */
function malformed(request: Fuzzed): boolean {
  const operation = request.target?.startsWith(TARGET) ? request.target.slice(TARGET.length) : undefined;
  const op = operation !== undefined && Object.hasOwn(ecsOperations, operation) ? ecsOperations[operation] : undefined;
  if (!op) return true;
  // Decoded as the router decodes: a byte-order mark dropped, whitespace trimmed.
  const bytes = typeof request.body === 'string' ? new TextEncoder().encode(request.body) : request.body;
  const text = new TextDecoder().decode(bytes).trim();
  if (text === '') return !op.schema.safeParse({}).success;
  try {
    return !op.schema.safeParse(JSON.parse(text)).success;
  } catch {
    return true;
  }
}

const knownTarget = fc.constantFrom(...operations.map(([name]) => `${TARGET}${name}`));
const anyTarget = fc.oneof(
  { weight: 4, arbitrary: knownTarget },
  { weight: 1, arbitrary: fc.string({ maxLength: 60 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')) },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }).map((s) => `${TARGET}${s.replace(/[^\x20-\x7e]/g, '')}`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      `${TARGET}constructor`,
      `${TARGET}__proto__`,
      `${TARGET}toString`,
      'AmazonEC2ContainerServiceV20141113',
      '',
    ),
  },
);

const wrongTypedField = fc.constantFrom(...fields).chain(({ name, field }) =>
  wrongValue(field).map((value) => ({
    kind: 'wrong type',
    target: `${TARGET}${name}`,
    body: JSON.stringify(setAt(field.path, value)) ?? '',
  })),
);

const unknownField = fc
  .tuple(
    knownTarget,
    fc.constantFrom(...fields.map((f) => f.field.path)),
    fc.string({ minLength: 1, maxLength: 12 }),
    fc.jsonValue({ maxDepth: 2 }),
  )
  .map(([target, path, key, value]) => ({
    kind: 'unknown field',
    target,
    body: JSON.stringify(setAt([...path.slice(0, -1), `x${key}`], value)),
  }));

const truncated = fc.tuple(wrongTypedField, fc.nat()).map(([r, cut]) => ({
  kind: 'truncated',
  target: r.target,
  body: typeof r.body === 'string' ? r.body.slice(0, cut % Math.max(1, r.body.length)) : r.body,
}));

const randomJson = fc
  .tuple(anyTarget, fc.jsonValue({ maxDepth: 4 }))
  .map(([target, value]) => ({ kind: 'random JSON', target, body: JSON.stringify(value) ?? 'null' }));

const notJson = fc
  .tuple(
    anyTarget,
    fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.string({ maxLength: 200 }),
      deepNesting,
      fc.constantFrom(
        '{"__proto__": {"polluted": true}}',
        '{"constructor": {"prototype": {}}}',
        '\uFEFF{}',
        '{"a":1}garbage',
        '1e999',
        '"\\ud800"',
      ),
    ),
  )
  .map(([target, body]) => ({ kind: 'not JSON', target, body }));

const fuzzed: fc.Arbitrary<Fuzzed> = fc.oneof(
  { weight: 5, arbitrary: wrongTypedField },
  { weight: 2, arbitrary: unknownField },
  { weight: 2, arbitrary: truncated },
  { weight: 2, arbitrary: randomJson },
  { weight: 2, arbitrary: notJson },
  {
    weight: 1,
    arbitrary: fc.tuple(anyTarget, fc.string()).map(([target, body]) => ({ kind: 'random target', target, body })),
  },
);

/**
 * Property-based fuzzing of the API's parsing: ten thousand generated
 * malformed requests against the in-process app (with the open guard, so
 * every one reaches the parser) get a 4xx with an ECS error, never a 5xx,
 * never a crash, and never a write.
 */
describe('fuzzing the ECS endpoint with malformed requests', () => {
  let berth: SecureBerth;
  beforeAll(async () => {
    berth = await startSecureBerth({ guard: openGuard });
  });
  afterAll(async () => {
    await berth?.close();
  });

  it(`answers ${RUNS} malformed requests with 4xx ECS errors and writes nothing`, async () => {
    expect(fields.length).toBeGreaterThan(100);
    const writes = berth.ctx.store.stats.writes;
    const securityWrites = berth.securityStore.writesExcept();
    const kinds = new Map<string, number>();
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(fuzzed.filter(malformed), async (request) => {
        kinds.set(request.kind, (kinds.get(request.kind) ?? 0) + 1);
        const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.1' };
        if (request.target !== undefined) headers['x-amz-target'] = request.target;
        const response = await berth.app.request('http://berth.test/', { method: 'POST', headers, body: request.body });
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
        const json = (await response.json()) as { __type?: unknown; message?: unknown };
        expect(typeof json.__type).toBe('string');
        expect(response.headers.get('x-amzn-errortype')).toBe(json.__type);
      }),
      { numRuns: RUNS },
    );
    expect(berth.ctx.store.stats.writes).toBe(writes);
    expect(berth.securityStore.writesExcept()).toBe(securityWrites);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.info(`fuzz: ${RUNS} malformed requests in ${seconds} s`, Object.fromEntries(kinds));
  }, 120_000);
});

const AUTH_RUNS = 2_000;
const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);
const credential = fc
  .tuple(
    fc.oneof(fc.constant('BKIAAAAAAAAAAAAAAAAA'), fc.string({ maxLength: 30 })),
    fc.oneof(fc.constant('20260115'), fc.string({ maxLength: 10 })),
    fc.constantFrom('us-east-1', 'eu-west-1', '', 'us-east-1/ecs'),
    fc.constantFrom('ecs', 's3', ''),
    fc.constantFrom('aws4_request', 'aws4', ''),
  )
  .map((parts) => parts.join('/'));
const signedHeaders = fc.oneof(
  fc.constant('host;x-amz-date;x-amz-target'),
  fc.array(fc.string({ maxLength: 12 }), { maxLength: 5 }).map((h) => h.join(';')),
);
const authorization = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc
    .tuple(
      fc.constantFrom('AWS4-HMAC-SHA256', 'AWS4-ECDSA-P256-SHA256', 'AWS', ''),
      credential,
      signedHeaders,
      fc.oneof(hex64, fc.string({ maxLength: 70 })),
      fc.constantFrom(', ', ',', ' '),
    )
    .map(([algorithm, c, h, s, sep]) => `${algorithm} Credential=${c}${sep}SignedHeaders=${h}${sep}Signature=${s}`),
);
const amzDate = fc.oneof(
  fc.constant('20260115T120000Z'),
  fc.string({ maxLength: 20 }),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString().replace(/[-:]|\.\d{3}/g, '')),
);
const presignedQuery = fc
  .tuple(
    fc.constantFrom('AWS4-HMAC-SHA256', 'x'),
    credential,
    amzDate,
    signedHeaders,
    fc.oneof(hex64, fc.string({ maxLength: 10 })),
    fc.oneof(fc.integer({ min: -10, max: 700_000 }).map(String), fc.string({ maxLength: 5 })),
  )
  .map(([a, c, d, h, s, e]) =>
    new URLSearchParams({
      'X-Amz-Algorithm': a,
      'X-Amz-Credential': c,
      'X-Amz-Date': d,
      'X-Amz-SignedHeaders': h,
      'X-Amz-Signature': s,
      'X-Amz-Expires': e,
    }).toString(),
  );

describe('fuzzing request authentication', () => {
  let berth: SecureBerth;
  beforeAll(async () => {
    // A clock that stands still: the whole flood comes from one source within one minute.
    berth = await startSecureBerth({ clock: new ManualClock(Date.UTC(2026, 0, 15, 12, 0, 0)) });
  });
  afterAll(async () => {
    await berth?.close();
  });

  it(`refuses ${AUTH_RUNS} requests with made-up signatures, writing nothing but at most 20 audit records a minute`, async () => {
    const writes = berth.ctx.store.stats.writes;
    const securityWrites = berth.securityStore.writesExcept('audit');
    const audited = berth.securityStore.writesTo('audit');
    const request = fc.record({
      authorization: fc.option(authorization, { nil: undefined }),
      date: fc.option(amzDate, { nil: undefined }),
      query: fc.option(fc.oneof(presignedQuery, fc.string({ maxLength: 80 })), { nil: undefined }),
      token: fc.option(fc.string({ maxLength: 20 }), { nil: undefined, freq: 10 }),
    });
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const headers: Record<string, string> = {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': `${TARGET}CreateCluster`,
          host: 'berth.test',
        };
        if (r.authorization !== undefined) headers.authorization = r.authorization.replace(/[^\x20-\x7e]/g, '');
        if (r.date !== undefined) headers['x-amz-date'] = r.date.replace(/[^\x20-\x7e]/g, '');
        if (r.token !== undefined) headers['x-amz-security-token'] = r.token.replace(/[^\x20-\x7e]/g, '');
        const query = r.query === undefined ? '' : `?${r.query.replace(/[^\x21-\x7e]/g, '')}`;
        const response = await berth.app.request(`http://berth.test/${query}`, {
          method: 'POST',
          headers,
          body: '{"clusterName":"fuzz"}',
        });
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
        expect(response.headers.get('x-amzn-errortype')).toMatch(
          /^(MissingAuthenticationToken|IncompleteSignature|UnrecognizedClient|InvalidSignature)Exception$/,
        );
      }),
      { numRuns: AUTH_RUNS },
    );
    expect(berth.ctx.store.stats.writes).toBe(writes);
    expect(berth.securityStore.writesExcept('audit')).toBe(securityWrites);
    // The audit throttle: the first 20 refusals of the minute in full, the rest counted into one later summary.
    expect(berth.securityStore.writesTo('audit')).toBe(audited + AUDIT_THROTTLE_DEFAULTS.perMinute);
  }, 120_000);
});
