/**
 * The URI encoding SigV4 canonicalises with (RFC 3986: unreserved characters
 * stay, every other byte becomes %XX in upper case), and the canonical path
 * and query built from it. Both sides of a signature must produce the same
 * bytes, so this follows what the AWS SDKs and CLI send, not what a browser
 * would.
 */

/** encodeURIComponent leaves `!'()*` alone; RFC 3986 reserves them. */
export function uriEscape(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The canonical URI of a path as received (already percent-encoded once):
 * dot segments and empty segments removed, then encoded again. Services
 * other than S3 sign the path encoded twice, so a `%` arrives as `%25`.
 */
export function canonicalPath(rawPath: string): string {
  const segments: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const trailing = segments.length > 0 && rawPath.endsWith('/') ? '/' : '';
  return `/${segments.map(uriEscape).join('/')}${trailing}`;
}

export interface QueryParameter {
  readonly name: string;
  readonly value: string;
}

/**
 * Splits a raw query string into decoded parameters. `+` is kept as a plus:
 * SigV4 clients encode a space as %20. Undefined when a percent escape is
 * broken, which no signer produces.
 */
export function parseQuery(rawQuery: string): QueryParameter[] | undefined {
  const parameters: QueryParameter[] = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const equals = part.indexOf('=');
    const name = equals < 0 ? part : part.slice(0, equals);
    const value = equals < 0 ? '' : part.slice(equals + 1);
    try {
      parameters.push({ name: decodeURIComponent(name), value: decodeURIComponent(value) });
    } catch {
      return undefined;
    }
  }
  return parameters;
}

/** Parameters encoded, sorted by name then value, joined with `&`; `X-Amz-Signature` left out. */
export function canonicalQuery(parameters: readonly QueryParameter[]): string {
  return parameters
    .filter((p) => p.name !== 'X-Amz-Signature')
    .map((p) => [uriEscape(p.name), uriEscape(p.value)] as const)
    .sort(([an, av], [bn, bv]) => (an === bn ? compare(av, bv) : compare(an, bn)))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/** Encoded strings are ASCII, so code-unit order is byte order. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
