import { InvalidParameterError } from '../domain/errors.ts';

/**
 * nextToken is opaque to clients: the sort key to continue after, with the
 * listing it belongs to, so a token from one listing cannot be replayed
 * against another.
 */
export function encodeToken(listing: string, after: string): string {
  return Buffer.from(JSON.stringify({ l: listing, a: after }), 'utf8').toString('base64url');
}

export function decodeToken(listing: string, token: string | undefined): string | undefined {
  if (token === undefined || token === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      'l' in parsed &&
      'a' in parsed &&
      parsed.l === listing &&
      typeof parsed.a === 'string'
    ) {
      return parsed.a;
    }
  } catch {
    // fall through to the error below
  }
  throw new InvalidParameterError('Invalid nextToken', { listing });
}

export function pageSize(maxResults: number | undefined, max = 100): number {
  if (maxResults === undefined) return max;
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > max) {
    throw new InvalidParameterError(`maxResults must be between 1 and ${max}`);
  }
  return maxResults;
}
