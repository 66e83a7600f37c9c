import { describe, expect, it } from 'vitest';
import { runBerth } from '#cli/berth.ts';
import { AGENTS_USAGE } from '#cli/agents-command.ts';
import { EXPLAIN_USAGE } from '#cli/explain.ts';
import { KEYS_USAGE } from '#cli/keys-command.ts';
import { STATUS_USAGE } from '#cli/status-command.ts';
import { USAGE } from '#cli/usage.ts';

/** Usage errors and help, which the CLI answers before it calls anything (fetch throws if it does). */
async function berth(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runBerth(args, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    env: { AWS_ACCESS_KEY_ID: 'BKIAEXAMPLEEXAMPLE01', AWS_SECRET_ACCESS_KEY: 'example' },
    fetch: () => Promise.reject(new Error('no call expected')),
  });
  return { code, stdout, stderr };
}

describe('berth usage errors and help', () => {
  it.each<[string, string[], RegExp, string]>([
    ['an unknown option', ['status', '--bogus'], /^berth: unknown option --bogus$/, STATUS_USAGE],
    [
      'a bad --output',
      ['keys', 'list', '--output', 'yaml'],
      /^berth: --output yaml: must be table, text or json$/,
      KEYS_USAGE,
    ],
    ['a missing --cluster', ['agents', 'token'], /^berth: name the cluster with --cluster$/, AGENTS_USAGE],
    ['an unknown agents verb', ['agents', 'burn'], /^berth: unknown agents command burn$/, AGENTS_USAGE],
    ['a stray argument', ['status', 'extra'], /^berth: unexpected argument extra$/, STATUS_USAGE],
  ])('names %s in one line, then the command usage, exit 2', async (_name, args, line, usage) => {
    const result = await berth(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const [first, ...rest] = result.stderr.trimEnd().split('\n');
    expect(first).toMatch(line);
    expect(rest.join('\n')).toBe(usage);
    expect(result.stderr).not.toContain('Commands:');
  });

  it('answers an unknown command in one line with a pointer to help', async () => {
    const result = await berth(['frob']);
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: 'berth: unknown command frob\nRun `berth help` for the commands.\n',
    });
  });

  it.each([
    [['help', 'status'], STATUS_USAGE],
    [['status', '--help'], STATUS_USAGE],
    [['help', 'agents'], AGENTS_USAGE],
    [['agents', '-h'], AGENTS_USAGE],
    [['help', 'explain'], EXPLAIN_USAGE],
  ])('prints one command help for %j', async (args, usage) => {
    const result = await berth(args);
    expect(result.code).toBe(0);
    expect(result.stdout.startsWith(usage)).toBe(true);
    expect(result.stdout).not.toContain('Commands:');
  });

  it('prints the summary for berth help and for no command at all', async () => {
    expect(await berth(['help'])).toMatchObject({ code: 0, stdout: `${USAGE}\n` });
    expect(await berth([])).toMatchObject({ code: 0, stdout: `${USAGE}\n` });
  });

  it('refuses help for a command berth does not have', async () => {
    expect(await berth(['help', 'frob'])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^berth: no command frob\n/),
    });
  });
});
