import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCli, toAgentOptions } from '#agent/config/cli.ts';

const scratch = mkdtempSync(join(tmpdir(), 'berth-cli-transport-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(scratch, name);
  writeFileSync(path, content);
  return path;
}

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const base = (endpoint: string) => ['--endpoint', endpoint, '--cluster', 'c'];

describe('berth-agent and plain HTTP', () => {
  it('refuses http:// to a host that is not loopback, naming the flag', () => {
    const result = parseCli(base('http://10.1.2.3:4566'), {});
    expect(result).toEqual({ ok: false, message: expect.stringContaining('over plain HTTP to 10.1.2.3:4566') });
    expect(!result.ok && result.message).toContain('add --allow-insecure-http if this network is yours alone');
  });

  it.each([
    [['--allow-insecure-http'], {}],
    [[], { BERTH_ALLOW_INSECURE_HTTP: 'true' }],
  ])('takes http:// off loopback with %j %j', (flags, env) => {
    const result = parseCli([...base('http://10.1.2.3:4566'), ...flags], env);
    expect(result.ok && 'config' in result && result.config.endpoint).toBe('http://10.1.2.3:4566');
  });

  it.each([
    'http://127.0.0.1:4566',
    'http://127.8.9.10',
    'http://localhost:4566',
    'http://[::1]:4566',
    'https://10.1.2.3',
  ])('needs no flag for %s', (endpoint) => {
    expect(parseCli(base(endpoint), {}).ok).toBe(true);
  });
});

describe('berth-agent reading its token and CA from files', () => {
  it('reads the registration token file, trimmed, and the CA bundle', () => {
    const result = parseCli(
      [...base('https://cp'), '--registration-token-file', file('token', 'tok-1\n'), '--ca-file', file('ca.pem', PEM)],
      {},
    );
    if (!result.ok || !('config' in result)) throw new Error(JSON.stringify(result));
    const options = toAgentOptions(result.config);
    expect(options.registrationToken).toBe('tok-1');
    expect(options.tlsCa).toBe(PEM);
    expect(options).not.toHaveProperty('caFile');
    expect(options).not.toHaveProperty('registrationTokenFile');
  });

  it('takes the token file from BERTH_REGISTRATION_TOKEN_FILE (the systemd credential) and an empty one as none', () => {
    const given = parseCli(base('https://cp'), { BERTH_REGISTRATION_TOKEN_FILE: file('t2', 'tok-2') });
    expect(given.ok && 'config' in given && given.config.registrationToken).toBe('tok-2');
    const empty = parseCli(base('https://cp'), { BERTH_REGISTRATION_TOKEN_FILE: file('t3', '') });
    expect(empty.ok && 'config' in empty && empty.config.registrationToken).toBeUndefined();
  });

  it('prefers --registration-token to the file', () => {
    const result = parseCli(
      [...base('https://cp'), '--registration-token', 'flag', '--registration-token-file', file('t4', 'file')],
      {},
    );
    expect(result.ok && 'config' in result && result.config.registrationToken).toBe('flag');
  });

  it.each([
    [['--registration-token-file', '/nonexistent/token'], 'Cannot read the registration token file /nonexistent/token'],
    [['--ca-file', '/nonexistent/ca.pem'], 'Cannot read the CA file /nonexistent/ca.pem'],
    [['--ca-file', 'NOT-PEM'], 'holds no PEM certificate'],
  ])('refuses %j', (flags, message) => {
    const argv = flags.map((flag) => (flag === 'NOT-PEM' ? file('not.pem', 'hello') : flag));
    expect(parseCli([...base('https://cp'), ...argv], {})).toEqual({
      ok: false,
      message: expect.stringContaining(message),
    });
  });
});
