import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { HOST_USER_DATA_TEMPLATE, renderUserData, type UserDataParams } from '#infra/agent-install/user-data.ts';

const run = promisify(execFile);
const folder = join(process.cwd(), 'infra', 'agent-install');
const scratch = mkdtempSync(join(tmpdir(), 'berth-agent-install-files-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The unit as install.sh writes it, for a prefix whose bundle exists (verify checks ExecStart's binary). */
function renderUnit(template = readFileSync(join(folder, 'berth-agent.service'), 'utf8')): string {
  writeFileSync(join(scratch, 'berth-agent.mjs'), '');
  const unit = template
    .replaceAll('@NODE@', process.execPath)
    .replaceAll('@PREFIX@', scratch)
    .replaceAll('@ETC@', join(scratch, 'etc'));
  const file = join(scratch, 'berth-agent.service');
  writeFileSync(file, unit);
  return file;
}

/** What systemd-analyze verify says about the unit file (its other output is about the host's units). */
async function verify(file: string): Promise<string[]> {
  const result = await run('systemd-analyze', ['verify', file]).then(
    (ok) => ({ code: 0, output: ok.stdout + ok.stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      output: error.stdout + error.stderr,
    }),
  );
  const lines = result.output.split('\n').filter((line) => line.includes('berth-agent'));
  return result.code === 0 ? lines : [`exit ${result.code}`, ...lines];
}

async function shellcheck(file: string): Promise<string> {
  return run('shellcheck', [file]).then(
    () => '',
    (error: { stdout: string }) => error.stdout,
  );
}

/** The script's variables and its fetch_token function, without the installing it goes on to do. */
function fetchToken(script: string): string {
  const vars = script.split('\n').filter((line) => /^[A-Z_]+='/.test(line));
  const fn = /fetch_token\(\) \{[\s\S]*?\n\}/.exec(script)?.[0] ?? '';
  return [...vars, fn].join('\n');
}

const params: UserDataParams = {
  endpoint: 'https://berth.example.com',
  cluster: 'prod',
  tokenSource: 'ssm',
  tokenName: '/berth/prod/registration-token',
  region: 'eu-west-1',
  agentReleaseUrl: 'https://releases.example.com/berth-agent.tar.gz',
};

describe('the systemd unit', () => {
  it('passes systemd-analyze verify without a word about the unit', async () => {
    expect(await verify(renderUnit())).toEqual([]);
  });

  it('is checked for real: a misspelt directive is reported', async () => {
    const template = readFileSync(join(folder, 'berth-agent.service'), 'utf8');
    const lines = await verify(renderUnit(template.replace('ProtectHome=yes', 'ProtectHomes=yes')));
    expect(lines.join('\n')).toContain('ProtectHomes');
  });

  it('keeps the hardening the docs describe', () => {
    const unit = readFileSync(join(folder, 'berth-agent.service'), 'utf8');
    for (const directive of [
      'NoNewPrivileges=yes',
      'ProtectSystem=strict',
      'ProtectHome=yes',
      'PrivateTmp=yes',
      'ProtectKernelTunables=yes',
      'RestrictSUIDSGID=yes',
      'LockPersonality=yes',
      'StateDirectory=berth-agent',
      'LoadCredential=registration-token:@ETC@/registration-token',
      'Restart=on-failure',
    ])
      expect(unit).toContain(`\n${directive}\n`);
  });
});

describe('the install scripts', () => {
  it('install.sh passes shellcheck', async () => {
    expect(await shellcheck(join(folder, 'install.sh'))).toBe('');
  });

  it('the user data template passes shellcheck', async () => {
    const file = join(scratch, 'user-data-template.sh');
    writeFileSync(file, HOST_USER_DATA_TEMPLATE);
    expect(await shellcheck(file)).toBe('');
  });

  it('shellcheck is checked for real: a script with an unquoted variable fails', async () => {
    const bad = join(scratch, 'bad.sh');
    writeFileSync(bad, '#!/bin/sh\nrm -rf $1/x\n');
    expect(await shellcheck(bad)).toContain('SC2086');
  });
});

describe('renderUserData', () => {
  it('fills every placeholder, and the result passes shellcheck', async () => {
    const rendered = renderUserData(params);
    if (!rendered.ok) throw new Error(rendered.message);
    expect(rendered.script).not.toMatch(/@@/);
    expect(rendered.script).toContain("ENDPOINT='https://berth.example.com'");
    expect(rendered.script).toContain("TOKEN_NAME='/berth/prod/registration-token'");
    expect(rendered.script).toContain("NODE_VERSION='22.12.0'");
    expect(rendered.script).toContain('--awslogs cloudwatch');
    const file = join(scratch, 'user-data.sh');
    writeFileSync(file, rendered.script);
    expect(await shellcheck(file)).toBe('');
  });

  it('reads the token from Secrets Manager when asked', () => {
    const rendered = renderUserData({ ...params, tokenSource: 'secretsmanager', tokenName: 'berth/token' });
    expect(rendered.ok && rendered.script).toContain("TOKEN_SOURCE='secretsmanager'");
  });

  it('carries an inline token for hosts the monitor launches', async () => {
    const rendered = renderUserData({ ...params, tokenSource: 'inline', tokenName: 'brt1_abc-DEF_123' });
    if (!rendered.ok) throw new Error(rendered.message);
    expect(rendered.script).toContain("TOKEN_SOURCE='inline'");
    const file = join(scratch, 'inline-user-data.sh');
    writeFileSync(file, rendered.script);
    expect(await shellcheck(file)).toBe('');
    // The boot script's own fetch_token answers the token as given.
    const fetched = await run('bash', ['-c', `${fetchToken(rendered.script)}; fetch_token`]);
    expect(fetched.stdout).toBe('brt1_abc-DEF_123\n');
  });

  it.each([
    [{ cluster: "a'b" }, 'cluster'],
    [{ endpoint: 'berth.example.com' }, 'endpoint must be an http'],
    [{ tokenName: 'x\nrm -rf /' }, 'tokenName must be one line'],
    [{ region: 'Europe' }, 'region must be an AWS region'],
    [{ agentReleaseUrl: 'http://releases.example.com/a.tgz' }, 'agentReleaseUrl must be an https'],
  ])('refuses %j', (override, message) => {
    const rendered = renderUserData({ ...params, ...override });
    expect(rendered).toEqual({ ok: false, message: expect.stringContaining(message) });
  });

  it('refuses a template with a placeholder it cannot fill', () => {
    expect(renderUserData(params, "X='@@ENDPOINT@@' Y='@@SURPRISE@@'")).toEqual({
      ok: false,
      message: 'the template has unknown placeholders: SURPRISE',
    });
  });
});
