import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AgentCredentials } from '#agent/control/auth.ts';
import { overlaps } from '#agent/state/protected-mounts.ts';
import { parseTtl } from '#cli/agents-command.ts';
import { newRegistrationToken } from '#functions/security/agent-registration-tokens.ts';
import {
  hashRegistrationToken,
  looksLikeRegistrationToken,
  macMatches,
  readCredential,
  serialAccepted,
  signCredential,
  type CredentialClaims,
} from '#shared/security/agent-credentials-token.ts';

/** The pure parts of agent credentials: the credential's form and check, and the rules around it. */
describe('instance credential form', () => {
  const key = Buffer.alloc(32, 7);
  const claims: CredentialClaims = {
    keyId: 'k1',
    cluster: 'prod',
    instanceId: 'abc123',
    serial: 3,
    issuedAt: 1_000,
    expiresAt: 2_000,
  };
  const token = signCredential(key, claims);

  it('reads back what was signed, and its MAC matches only under the same key', () => {
    const read = readCredential(token);
    expect(read?.claims).toEqual(claims);
    expect(read && macMatches(key, read)).toBe(true);
    expect(read && macMatches(Buffer.alloc(32, 8), read)).toBe(false);
  });

  const [, payload = '', mac = ''] = token.split('.');
  const otherInstance = Buffer.from(
    JSON.stringify({ k: 'k1', c: 'prod', i: 'victim', s: 3, iat: 1_000, exp: 2_000 }),
    'utf8',
  ).toString('base64url');

  it('refuses a payload swapped under the original MAC', () => {
    const forged = readCredential(`bic1.${otherInstance}.${mac}`);
    expect(forged?.claims.instanceId).toBe('victim');
    expect(forged && macMatches(key, forged)).toBe(false);
  });

  it.each([
    ['an empty string', ''],
    ['another prefix', `bic2.${payload}.${mac}`],
    ['a missing MAC', `bic1.${payload}`],
    ['a short MAC', `bic1.${payload}.${mac.slice(0, 20)}`],
    ['a payload that is not JSON', `bic1.bm90IGpzb24.${mac}`],
    ['an extra part', `bic1.${payload}.${mac}.x`],
    ['characters outside base64url', `bic1.${payload}=.${mac}`],
    [
      'an unknown field',
      `bic1.${Buffer.from(JSON.stringify({ k: 'k1', c: 'prod', i: 'a', s: 1, iat: 1, exp: 2, admin: true })).toString('base64url')}.${mac}`,
    ],
    ['an oversized token', `bic1.${'A'.repeat(4000)}.${mac}`],
  ])('does not read %s as a credential', (_name, text) => {
    expect(readCredential(text)).toBeUndefined();
  });
});

describe('registration tokens', () => {
  it('are the prefix and 32 random bytes, stored as their SHA-256', () => {
    const token = newRegistrationToken();
    expect(looksLikeRegistrationToken(token)).toBe(true);
    expect(token).not.toBe(newRegistrationToken());
    expect(hashRegistrationToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashRegistrationToken(token)).not.toContain(token.slice(5));
  });

  it.each([
    ['a credential', 'bic1.abc.def', false],
    ['a short token', 'brt1_abc', false],
    ['a token with padding', `brt1_${'A'.repeat(42)}=`, false],
    ['a well-formed token', `brt1_${'A'.repeat(43)}`, true],
  ])('tells %s apart', (_name, text, expected) => {
    expect(looksLikeRegistrationToken(text)).toBe(expected);
  });

  it.each([
    ['900', 900],
    ['15m', 900],
    ['2h', 7200],
    ['24h', 86_400],
    ['60s', 60],
  ])('take --ttl %s as %i seconds', (text, seconds) => {
    expect(parseTtl(text)).toBe(seconds);
  });

  it.each(['59s', '25h', '2d', 'soon', '-5m'])('refuse --ttl %s', (text) => {
    expect(() => parseTtl(text)).toThrow(/--ttl/);
  });
});

describe('which credential an instance record accepts for exchange', () => {
  const record = { serial: 5, previousSerial: 4, previousValidUntil: 10_000 };
  it.each([
    ['the current one', 5, 9_000, true],
    ['the replaced one, in its grace period', 4, 9_999, true],
    ['the replaced one, after its grace period', 4, 10_000, false],
    ['an older one', 3, 1, false],
    ['one from the future', 6, 1, false],
  ])('%s', (_name, serial, now, expected) => {
    expect(serialAccepted(record, serial, now)).toBe(expected);
  });
});

describe('the agent side', () => {
  const credential = { token: 'bic1.x.y', issuedAt: 0, expiresAt: 12 * 3600_000 };

  it.each([
    ['with two thirds of the lifetime left', 4 * 3600_000 - 1, false],
    ['once a third is left', 8 * 3600_000, true],
    ['after expiry', 13 * 3600_000, true],
  ])('exchanges its credential %s', (_name, now, due) => {
    const credentials = new AgentCredentials(undefined);
    credentials.set(credential);
    expect(credentials.rotationDue(now)).toBe(due);
  });

  it.each([
    ['a re-attaching agent with a valid credential and a token', true, credential, 'brt1_t', 1, ['bic1.x.y', 'brt1_t']],
    ['a re-attaching agent whose credential expired', true, credential, 'brt1_t', 13 * 3600_000, ['brt1_t']],
    ['a new instance', false, credential, 'brt1_t', 1, ['brt1_t']],
    ['an agent with nothing', false, undefined, undefined, 1, []],
  ])('registers, as %s, with the credential first', (_name, reattaching, held, token, now, expected) => {
    const credentials = new AgentCredentials(token);
    credentials.set(held);
    expect(credentials.registrationBearers(reattaching, now)).toEqual(expected);
  });
});

describe('the agent state directory is never mounted into a task', () => {
  it.each([
    ['the directory itself', '/var/lib/berth-agent', true],
    ['the directory with a trailing slash', '/var/lib/berth-agent/', true],
    ['a file inside it', '/var/lib/berth-agent/identity.json', true],
    ['a parent', '/var/lib', true],
    ['the root', '/', true],
    ['a path that only shares a prefix', '/var/lib/berth-agent-other', false],
    ['a sibling whose name starts with dots', '/var/lib/..berth', false],
    ['an unrelated path', '/srv/data', false],
    ['a path with .. resolving into it', '/var/lib/x/../berth-agent', true],
  ])('a bind of %s shows it: %s', (_name, source, shows) => {
    expect(overlaps(resolve(source), '/var/lib/berth-agent')).toBe(shows);
  });
});
