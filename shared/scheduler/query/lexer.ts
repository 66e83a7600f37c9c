import { expressionError } from './syntax-error.ts';

export type TokenKind = '(' | ')' | '[' | ']' | ',' | 'symbol' | 'word' | 'string' | 'end';

export interface Token {
  readonly kind: TokenKind;
  /** The word or symbol as written; a quoted string without its quotes. */
  readonly text: string;
  /** 1-based, so error messages can point at it. */
  readonly column: number;
}

const PUNCTUATION: ReadonlyMap<string, TokenKind> = new Map([
  ['(', '('],
  [')', ')'],
  ['[', '['],
  [']', ']'],
  [',', ','],
]);
/** Longest first, so `==` is never read as `=` `=`. */
const SYMBOLS = ['==', '!=', '>=', '<=', '=~', '!~', '&&', '||', '>', '<', '!'];
/** Characters that end a bare word: whitespace is handled apart. */
const WORD_BREAKERS = new Set(['(', ')', '[', ']', ',', "'", '"', '=', '!', '<', '>', '&', '|', '~']);

/**
 * Splits a cluster query expression into tokens. Bare words run until
 * whitespace, punctuation or an operator character, so attribute names and
 * values such as `attribute:ecs.instance-type` or `m5.*` need no quotes;
 * anything else can be quoted with ' or ".
 */
export function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expression.length) {
    const ch = expression.charAt(i);
    if (/\s/.test(ch)) {
      i += 1;
      continue;
    }
    const column = i + 1;
    const punctuation = PUNCTUATION.get(ch);
    if (punctuation !== undefined) {
      tokens.push({ kind: punctuation, text: ch, column });
      i += 1;
      continue;
    }
    if (ch === "'" || ch === '"') {
      const close = expression.indexOf(ch, i + 1);
      if (close < 0) throw expressionError(expression, column, `unterminated string starting with ${ch}`);
      tokens.push({ kind: 'string', text: expression.slice(i + 1, close), column });
      i = close + 1;
      continue;
    }
    const symbol = SYMBOLS.find((s) => expression.startsWith(s, i));
    if (symbol !== undefined) {
      tokens.push({ kind: 'symbol', text: symbol, column });
      i += symbol.length;
      continue;
    }
    if (WORD_BREAKERS.has(ch)) {
      const hint = ch === '=' ? " (use '==' for equality)" : '';
      throw expressionError(expression, column, `unexpected character '${ch}'${hint}`);
    }
    let end = i;
    while (
      end < expression.length &&
      !WORD_BREAKERS.has(expression.charAt(end)) &&
      !/\s/.test(expression.charAt(end))
    ) {
      end += 1;
    }
    tokens.push({ kind: 'word', text: expression.slice(i, end), column });
    i = end;
  }
  tokens.push({ kind: 'end', text: '', column: expression.length + 1 });
  return tokens;
}
