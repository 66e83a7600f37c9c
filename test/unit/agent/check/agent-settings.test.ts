import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { parseCli } from '#agent/config/cli.ts';
import { identity } from '#agent/state/state-dir.ts';
import { expectAgreement, noisy, someOf } from './check-agreement.ts';

/**
 * The agent's own settings and identity file as it read them with zod
 * before agent/check/: the reference its checks are held to. Settings are
 * compared through parseCli, given as a config file (every key can be set
 * there, and nothing else is merged in when no flag or variable is given).
 */
const port = z.number().int().min(1).max(65535);
const settings = z.strictObject({
  endpoint: z.url(),
  cluster: z.string().regex(/^[a-zA-Z0-9_-]{1,255}$/),
  registrationToken: z.string().optional(),
  registrationTokenFile: z.string().optional(),
  caFile: z.string().optional(),
  allowInsecureHttp: z.boolean().default(false),
  allowTaskImds: z.boolean().optional(),
  stateDir: z.string().default('/var/lib/berth-agent'),
  dockerHost: z.string().optional(),
  reservedMemoryMiB: z.number().int().nonnegative().optional(),
  reservedPorts: z.array(port).optional(),
  reservedPortsUdp: z.array(port).optional(),
  dynamicPortRange: z
    .string()
    .regex(/^\d+-\d+$/)
    .optional(),
  pollIntervalSeconds: z.number().positive().optional(),
  cleanupDelaySeconds: z.number().nonnegative().optional(),
  defaultStopTimeoutSeconds: z.number().int().nonnegative().optional(),
  imds: z
    .union([
      z.literal(false),
      z.strictObject({ endpoint: z.url().optional(), timeoutMs: z.number().int().positive().optional() }),
    ])
    .optional(),
  attributes: z.record(z.string(), z.string()).optional(),
  hostAddress: z
    .string()
    .regex(/^[0-9a-fA-F:.]{2,45}$/)
    .optional(),
  metricsIntervalSeconds: z.number().nonnegative().optional(),
  taskMetadata: z.union([z.literal(false), z.strictObject({ address: z.string().min(1).optional() })]).optional(),
  registryCredentials: z
    .record(
      z.string(),
      z.strictObject({ username: z.string(), password: z.string(), serverAddress: z.string().optional() }),
    )
    .optional(),
  drain: z.boolean().default(false),
  logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});
const storedIdentity = z.object({
  cluster: z.string(),
  instanceId: z.string(),
  containerInstanceArn: z.string().optional(),
  epoch: z.number().int().nonnegative(),
  credential: z
    .object({
      token: z.string().min(1),
      issuedAt: z.number().int().nonnegative(),
      expiresAt: z.number().int().nonnegative(),
    })
    .optional(),
});

const scratch = mkdtempSync(join(tmpdir(), 'berth-check-settings-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** parseCli on settings that come from a config file alone. */
function fromFile(file: Record<string, unknown>): ReturnType<typeof parseCli> {
  const path = join(scratch, 'agent.json');
  writeFileSync(path, JSON.stringify(file));
  return parseCli(['--config', path], {});
}

function expectSettingsAgreement(file: Record<string, unknown>): void {
  const mine = fromFile(file);
  const theirs = settings.safeParse(JSON.parse(JSON.stringify(file)));
  expect({ accepted: mine.ok, file }).toStrictEqual({ accepted: theirs.success, file });
  if (mine.ok && 'config' in mine && theirs.success) expect(mine.config).toStrictEqual(theirs.data);
}

const base = { endpoint: 'https://cp:1', cluster: 'c' };

describe("the agent's settings and identity (agent/config/cli.ts, agent/state/state-dir.ts)", () => {
  it.each<[string, Record<string, unknown>]>([
    ['the least', base],
    [
      'every setting',
      {
        ...base,
        registrationToken: 'brt1_x',
        allowTaskImds: true,
        stateDir: '/s',
        dockerHost: 'unix:///d.sock',
        reservedMemoryMiB: 0,
        reservedPorts: [22],
        reservedPortsUdp: [53],
        dynamicPortRange: '40000-41000',
        pollIntervalSeconds: 0.5,
        cleanupDelaySeconds: 0,
        defaultStopTimeoutSeconds: 10,
        imds: { endpoint: ' http://169.254.169.254 ', timeoutMs: 100 },
        attributes: { a: 'b' },
        registryCredentials: { 'r.example': { username: 'u', password: 'p', serverAddress: 'r' } },
        drain: true,
        logLevel: 'debug',
      },
    ],
    ['imds off', { ...base, imds: false }],
    ['imds on (true)', { ...base, imds: true }],
    ['an unknown setting', { ...base, pollSeconds: 2 }],
    ['an unknown imds setting', { ...base, imds: { url: 'x' } }],
    ['an endpoint that is no URL', { ...base, endpoint: 'cp' }],
    ['port 0 reserved', { ...base, reservedPorts: [0] }],
    ['a zero poll interval', { ...base, pollIntervalSeconds: 0 }],
    ['a bad log level', { ...base, logLevel: 'trace' }],
    ['a numeric attribute', { ...base, attributes: { a: 1 } }],
  ])('agree with zod on settings: %s', (_what, file) => {
    expectSettingsAgreement(file);
  });

  it('agree with zod on generated settings', () => {
    const file = someOf({
      endpoint: noisy(fc.constantFrom('https://cp:1', 'https://x', 'cp', '')),
      cluster: noisy(fc.constantFrom('c', 'a b')),
      reservedPorts: noisy(fc.array(noisy(fc.integer({ min: -1, max: 65_536 })), { maxLength: 2 })),
      pollIntervalSeconds: noisy(fc.double({ min: -1, max: 5, noNaN: true })),
      imds: noisy(
        fc.oneof(
          fc.constant(false),
          someOf({
            endpoint: noisy(fc.constantFrom('http://i', 'i')),
            timeoutMs: noisy(fc.integer({ min: -1, max: 5 })),
          }),
        ),
      ),
      drain: noisy(fc.boolean()),
      logLevel: noisy(fc.constantFrom('info', 'warn', 'loud')),
    });
    fc.assert(
      fc.property(file, (value) => expectSettingsAgreement(value)),
      { numRuns: 200 },
    );
  });

  it.each<[string, unknown]>([
    [
      'an identity',
      {
        cluster: 'c',
        instanceId: 'i',
        epoch: 2,
        containerInstanceArn: 'arn',
        credential: { token: 'bic1.x', issuedAt: 1, expiresAt: 2 },
      },
    ],
    ['an identity from before credentials', { cluster: 'c', instanceId: 'i', epoch: 0, legacy: true }],
    [
      'an empty token',
      { cluster: 'c', instanceId: 'i', epoch: 0, credential: { token: '', issuedAt: 1, expiresAt: 2 } },
    ],
    ['no epoch', { cluster: 'c', instanceId: 'i' }],
    ['not JSON (null)', null],
  ])('agrees with zod on %s', (_what, input) => {
    expectAgreement(identity, storedIdentity, input);
  });
});
