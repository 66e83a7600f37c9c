import { signRequest, type SigningCredentials } from '#shared/security/sigv4/sign.ts';

/**
 * A lean client for ELBv2's Query protocol (form-encoded POST, XML answer):
 * one SigV4-signed request per call, like the JSON clients beside it, so the
 * scheduler's bundle carries no AWS SDK (docs/decisions.md, "Lambda bundles").
 * Answers are returned as text for the adapter to read the few fields it needs.
 */
export interface Elbv2QueryOptions {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: SigningCredentials & { readonly sessionToken?: string };
}

export class Elbv2Error extends Error {
  override readonly name: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = code;
  }
}

export type Elbv2Call = (action: string, params: Readonly<Record<string, string>>) => Promise<string>;

export function createElbv2QueryClient(options: Elbv2QueryOptions): Elbv2Call {
  const url = new URL(options.endpoint);
  const path = url.pathname || '/';
  return async (action, params) => {
    const body = Buffer.from(new URLSearchParams({ Action: action, Version: '2015-12-01', ...params }).toString());
    const headers = new Map([
      ['host', url.host],
      ['content-type', 'application/x-www-form-urlencoded; charset=utf-8'],
    ]);
    if (options.credentials.sessionToken !== undefined) {
      headers.set('x-amz-security-token', options.credentials.sessionToken);
    }
    const signed = signRequest({ method: 'POST', path, query: '', headers, body }, options.credentials, {
      region: options.region,
      service: 'elasticloadbalancing',
      now: Date.now(),
    });
    const headerList = { ...Object.fromEntries(headers), ...signed };
    delete headerList.host;
    const answer = await fetch(url, { method: 'POST', headers: headerList, body });
    const text = await answer.text();
    if (answer.ok) return text;
    throw new Elbv2Error(field(text, 'Code') ?? `HTTP${answer.status}`, field(text, 'Message') ?? text.slice(0, 200));
  };
}

/** The text of the first `<name>` element, XML entities decoded. */
export function field(xml: string, name: string): string | undefined {
  const found = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
  return found?.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&amp;', '&');
}

/** The contents of every `<name>` element (non-nested). */
export function elements(xml: string, name: string): string[] {
  return [...xml.matchAll(new RegExp(`<${name}>([\\s\\S]*?)</${name}>`, 'g'))].map((m) => m[1] ?? '');
}
