import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import {
  applyImdsPolicy,
  engineIsLocal,
  IMDS_RULE_COMMENT,
  MetadataServiceGuard,
  runCommand,
  type CommandRunner,
} from '#agent/host/imds-block.ts';

const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;

/** This run's own tag: agents of suites running alongside keep their rule, and this suite never touches it. */
const comment = `berth-agent test ${process.pid}: ${IMDS_RULE_COMMENT}`.slice(0, 250);

async function dockerUserRules(tag = comment): Promise<string[]> {
  const { stdout } = await run('iptables', ['-w', '5', '-t', 'filter', '-S', 'DOCKER-USER']);
  return stdout.split('\n').filter((line) => line.includes(`"${tag}"`));
}

/**
 * The metadata-service block on this host's real iptables (CI runs as root
 * beside a Docker engine, which made DOCKER-USER). A real IMDS is not
 * reachable here, so the tests read the rule back with `iptables -S`.
 */
describe.runIf(isRoot)('blocking task containers from the instance metadata service', () => {
  const policy = (allow: boolean, dockerHost?: string) => applyImdsPolicy({ allow, dockerHost, isRoot, comment });
  afterAll(async () => {
    await policy(true);
  });

  it('inserts one DROP rule for 169.254.169.254 into DOCKER-USER, once however often asked', async () => {
    expect(await policy(false)).toEqual({ kind: 'installed' });
    expect(await policy(false, 'unix:///var/run/docker.sock')).toEqual({ kind: 'present' });
    const rules = await dockerUserRules();
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatch(/^-A DOCKER-USER -d 169\.254\.169\.254\/32 .*-j DROP$/);
    // Inserted, not appended: it comes before Docker's closing RETURN (and any rule an operator added).
    const { stdout } = await run('iptables', ['-w', '5', '-t', 'filter', '-S', 'DOCKER-USER']);
    const lines = stdout.split('\n');
    const ours = lines.findIndex((line) => line.includes(`"${comment}"`));
    const closing = lines.indexOf('-A DOCKER-USER -j RETURN');
    expect(ours).toBeGreaterThan(0);
    if (closing >= 0) expect(ours).toBeLessThan(closing);
  });

  it('removes it when the policy allows IMDS, every copy, and is a no-op once gone', async () => {
    await policy(false);
    // A second copy, as a hand-made or older rule would be.
    await run('iptables', [
      '-w',
      '5',
      '-I',
      'DOCKER-USER',
      '-d',
      '169.254.169.254/32',
      '-m',
      'comment',
      '--comment',
      comment,
      '-j',
      'DROP',
    ]);
    expect(await dockerUserRules()).toHaveLength(2);
    expect(await policy(true)).toEqual({ kind: 'removed' });
    expect(await dockerUserRules()).toHaveLength(0);
    expect(await policy(true)).toEqual({ kind: 'absent' });
  });

  it('follows the cluster policy that task specs carry, and the agent flag over it', async () => {
    const logger = { info: () => {}, warn: () => {}, error: () => {} };
    const guard = new MetadataServiceGuard({ forceAllow: false, dockerHost: undefined, logger, comment });
    await guard.start();
    expect(await dockerUserRules()).toHaveLength(1);
    await guard.follow(true);
    expect(await dockerUserRules()).toHaveLength(0);
    // An older control plane sends no policy: nothing changes.
    await guard.follow(undefined);
    expect(await dockerUserRules()).toHaveLength(0);
    await guard.follow(false);
    expect(await dockerUserRules()).toHaveLength(1);

    const flagged = new MetadataServiceGuard({ forceAllow: true, dockerHost: undefined, logger, comment });
    await flagged.start();
    await flagged.follow(false);
    expect(await dockerUserRules()).toHaveLength(0);
  });
});

describe('when the block cannot be applied', () => {
  const missing: CommandRunner = async () => ({ code: undefined, stderr: '' });
  const noChain: CommandRunner = async () => ({ code: 1, stderr: 'iptables: No chain/target/match by that name.\n' });

  it.each([
    ['a remote engine', { dockerHost: 'tcp://10.0.0.5:2376', isRoot: true }, /another host/],
    ['an agent without root', { dockerHost: undefined, isRoot: false }, /not running as root/],
    ['a host without iptables', { dockerHost: undefined, isRoot: true, run: missing }, /not installed/],
    [
      'an engine that keeps no DOCKER-USER chain',
      { dockerHost: undefined, isRoot: true, run: noChain },
      /no DOCKER-USER chain/,
    ],
  ])('says why for %s', async (_name, options, reason) => {
    const outcome = await applyImdsPolicy({ allow: false, ...options });
    expect(outcome.kind).toBe('skipped');
    expect(outcome.kind === 'skipped' && outcome.reason).toMatch(reason);
  });

  it.each([
    [undefined, true],
    ['unix:///run/podman/podman.sock', true],
    ['tcp://127.0.0.1:2375', true],
    ['tcp://localhost:2375', true],
    ['tcp://docker.internal:2376', false],
    ['not a url', false],
  ])('treats the engine at %s as local: %s', (host, local) => {
    expect(engineIsLocal(host)).toBe(local);
  });

  it('runs commands and reports their exit codes', async () => {
    expect(await runCommand('true', [])).toMatchObject({ code: 0 });
    expect(await runCommand('false', [])).toMatchObject({ code: 1 });
    expect(await runCommand('berth-no-such-command', [])).toMatchObject({ code: undefined });
  });
});
