import { describe, expect, it } from 'vitest';
import { createTerminal, terminalWidth } from '#cli/terminal.ts';

const ESC = '\x1b[';

function terminal(isTTY: boolean, env: NodeJS.ProcessEnv = {}, columns?: number) {
  let stderr = '';
  const t = createTerminal({ isTTY, columns }, env, (text) => void (stderr += text));
  return { t, stderr: () => stderr };
}

describe('the CLI terminal', () => {
  it('colours and shows progress at a terminal', () => {
    const { t, stderr } = terminal(true);
    expect(t.paint('green', 'yes')).toContain(ESC);
    t.progress('reading 1/2…');
    t.progress();
    expect(stderr()).toContain('reading 1/2…');
    expect(stderr()).toContain(`\r${ESC}2K`);
  });

  it.each<[string, boolean, NodeJS.ProcessEnv]>([
    ['piped', false, {}],
    ['NO_COLOR at a terminal', true, { NO_COLOR: '1' }],
    ['a dumb terminal', true, { TERM: 'dumb' }],
  ])('is plain when %s', (_name, isTTY, env) => {
    const { t, stderr } = terminal(isTTY, env);
    expect(t.paint('green', 'yes')).toBe('yes');
    t.progress('reading…');
    t.progress();
    expect(stderr()).toBe('');
  });

  it('takes COLUMNS first, then the window, then 80 at a terminal, and no limit when piped', () => {
    expect(terminalWidth({ isTTY: false }, { COLUMNS: '100' })).toBe(100);
    expect(terminalWidth({ isTTY: true, columns: 132 }, { COLUMNS: '100' })).toBe(100);
    expect(terminalWidth({ isTTY: true, columns: 132 }, {})).toBe(132);
    expect(terminalWidth({ isTTY: true }, {})).toBe(80);
    expect(terminalWidth({ isTTY: false }, { COLUMNS: 'wide' })).toBe(Number.POSITIVE_INFINITY);
  });
});
