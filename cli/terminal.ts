import { styleText } from 'node:util';

/** What the CLI knows of where its stdout goes, as main.ts reads it from process.stdout. */
export interface TerminalFacts {
  readonly isTTY: boolean;
  readonly columns?: number | undefined;
}

type Colour = 'bold' | 'dim' | 'green' | 'yellow' | 'red';

/**
 * How output is dressed for its reader: a person at a terminal gets colour,
 * a progress line and tables cut to the window; a pipe gets plain text at
 * full width, so scripts never parse escape codes or ellipses.
 */
export interface Terminal {
  /** Columns a table may use; Infinity when piped and COLUMNS is unset. */
  readonly width: number;
  readonly fancy: boolean;
  paint(colour: Colour, text: string): string;
  /** Shows (or, with no text, clears) a one-line progress note on stderr. */
  progress(text?: string): void;
}

/**
 * COLUMNS wins when set (a user or a test can force a width), then the
 * window's own width; a pipe without COLUMNS is not cut at all, and a
 * terminal that reports no width is taken as 80 columns.
 */
export function terminalWidth(facts: TerminalFacts, env: NodeJS.ProcessEnv): number {
  const forced = Number(env.COLUMNS);
  if (Number.isInteger(forced) && forced > 0) return forced;
  if (!facts.isTTY) return Number.POSITIVE_INFINITY;
  return facts.columns !== undefined && facts.columns > 0 ? facts.columns : 80;
}

export function createTerminal(facts: TerminalFacts, env: NodeJS.ProcessEnv, stderr: (text: string) => void): Terminal {
  // https://no-color.org: any non-empty NO_COLOR turns colour off.
  const fancy = facts.isTTY && (env.NO_COLOR ?? '') === '' && env.TERM !== 'dumb';
  let shown = false;
  return {
    width: terminalWidth(facts, env),
    fancy,
    paint: (colour, text) => (fancy ? styleText(colour, text, { validateStream: false }) : text),
    progress(text) {
      if (!fancy) return;
      if (text === undefined) {
        if (shown) stderr('\r\x1b[2K');
        shown = false;
        return;
      }
      stderr(`\r\x1b[2K${styleText('dim', text, { validateStream: false })}`);
      shown = true;
    },
  };
}

/** A terminal for callers that pass no facts (tests, scripts): piped, plain. */
export const PLAIN_FACTS: TerminalFacts = { isTTY: false };
