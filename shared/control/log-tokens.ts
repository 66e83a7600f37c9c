import { invalidParameter } from './logs-errors.ts';

/**
 * Read positions handed out as nextToken: opaque to clients, and checked
 * when they come back. `after` continues a listing after the event with
 * this (timestamp, id); `live` asks for events the store took after the
 * event with this id (the follow of FilterLogEvents, see log-queries.ts).
 */
export type LogToken =
  | { readonly kind: 'after'; readonly timestamp: number; readonly id: number }
  | { readonly kind: 'live'; readonly id: number }
  | { readonly kind: 'offset'; readonly offset: number };

export function encodeToken(token: LogToken): string {
  const parts =
    token.kind === 'after'
      ? ['a', token.timestamp, token.id]
      : token.kind === 'live'
        ? ['l', token.id]
        : ['o', token.offset];
  return Buffer.from(parts.join('.')).toString('base64url');
}

export function decodeToken(text: string, member = 'nextToken'): LogToken {
  const parts = Buffer.from(text, 'base64url').toString().split('.');
  const numbers = parts.slice(1).map(Number);
  const whole = numbers.every((n) => Number.isSafeInteger(n) && n >= 0);
  if (whole && parts[0] === 'a' && numbers.length === 2)
    return { kind: 'after', timestamp: numbers[0] ?? 0, id: numbers[1] ?? 0 };
  if (whole && parts[0] === 'l' && numbers.length === 1) return { kind: 'live', id: numbers[0] ?? 0 };
  if (whole && parts[0] === 'o' && numbers.length === 1) return { kind: 'offset', offset: numbers[0] ?? 0 };
  throw invalidParameter(`The value of ${member} is not a token this endpoint handed out.`);
}
