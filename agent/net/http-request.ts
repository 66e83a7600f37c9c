import type { Agent, ClientRequest, IncomingHttpHeaders, IncomingMessage, RequestOptions } from 'node:http';

/**
 * A whole-body HTTP(S) exchange for the agent's calls to the control plane
 * and the EC2 metadata service, over node:http rather than the global
 * fetch. Why: fetch loads Node's bundled web-fetch implementation (its
 * HTTP parser is a WebAssembly module), which measured about 20 MiB of
 * resident memory in an otherwise idle agent; node:http is part of Node's
 * startup snapshot. The modules come from process.getBuiltinModule because
 * an ESM `import http from 'node:http'` reads every export of the module,
 * and three of them (WebSocket, CloseEvent, MessageEvent) are lazy getters
 * that load that same implementation (about 14 MiB).
 */
export interface HttpExchange {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer | undefined;
  /** Ends the exchange with an error when aborted (AbortSignal.timeout for a deadline). */
  readonly signal?: AbortSignal;
  /** PEM CAs trusted for https instead of Node's bundled ones; certificates are always verified. */
  readonly ca?: string;
}

export interface HttpAnswer {
  readonly status: number;
  /** 2xx. */
  readonly ok: boolean;
  readonly body: string;
  /** Read by the CloudWatch Logs client: `date` (clock skew) and `x-amzn-errortype`. */
  readonly headers: IncomingHttpHeaders;
}

/** One keep-alive pool per scheme and CA bundle: the control plane is called every few seconds. */
const pools = new Map<string, Agent>();

function transport(
  protocol: string,
  ca: string | undefined,
): { request: typeof import('node:http').request; pool: Agent } {
  if (protocol !== 'http:' && protocol !== 'https:') throw new Error(`unsupported URL scheme ${protocol}`);
  // https (and TLS with it) is loaded only when an https endpoint is called.
  const module = protocol === 'https:' ? process.getBuiltinModule('node:https') : process.getBuiltinModule('node:http');
  const key = protocol === 'https:' && ca !== undefined ? `${protocol}${ca}` : protocol;
  let pool = pools.get(key);
  if (!pool) {
    pool =
      protocol === 'https:' && ca !== undefined
        ? new module.Agent({ keepAlive: true, ca })
        : new module.Agent({ keepAlive: true });
    pools.set(key, pool);
  }
  return { request: module.request, pool };
}

/** Resolves with the status and the whole body; rejects on a transport failure or abort, as fetch does. */
export function httpRequest(url: string, exchange: HttpExchange = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    let request: ClientRequest;
    try {
      const target = new URL(url);
      const { request: send, pool } = transport(target.protocol, exchange.ca);
      const body = exchange.body;
      const options: RequestOptions = {
        method: exchange.method ?? 'GET',
        agent: pool,
        headers: { ...exchange.headers, ...(body === undefined ? {} : { 'content-length': Buffer.byteLength(body) }) },
        ...(exchange.signal ? { signal: exchange.signal } : {}),
      };
      request = send(target, options, (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          resolve({
            status,
            ok: status >= 200 && status <= 299,
            body: Buffer.concat(chunks).toString('utf8'),
            headers: response.headers,
          });
        });
        response.on('close', () => {
          if (!response.complete) reject(new Error('the connection closed before the answer was complete'));
        });
      });
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    request.on('error', reject);
    request.end(exchange.body);
  });
}
