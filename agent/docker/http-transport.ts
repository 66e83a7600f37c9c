import type { ClientRequest } from 'node:http';
import type { DockerEndpoint } from './docker-host.ts';

// Not `import http from 'node:http'`: see ../net/http-request.ts for the
// memory that import costs.
const http = process.getBuiltinModule('node:http');

/**
 * HTTP/1.1 to the engine over node:http, on a unix socket or TCP. Transport
 * failures (no socket, refused, reset, timed out) come back as values: the
 * caller decides that they mean "engine unavailable".
 */
export interface TransportResponse {
  readonly status: number;
  readonly body: string;
}

export type TransportResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

export interface RequestOptions {
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** The whole exchange must end within this; default 30 s. */
  readonly timeoutMs?: number;
}

export interface StreamOptions {
  readonly headers?: Readonly<Record<string, string>>;
  /** Called once the engine has answered 2xx and before the first line. */
  readonly onOpen?: () => void;
  readonly onLine: (line: string) => void;
  /** Idle streams (events) pass none. */
  readonly timeoutMs?: number;
  /**
   * The engine must answer (status and headers) within this, even on a
   * stream that may then stay idle for hours: an engine that accepts the
   * connection and says nothing is stuck, not quiet.
   */
  readonly openTimeoutMs?: number;
}

export interface OpenStream {
  /** Status and, for a non-2xx answer, its body; resolves when the stream ends. */
  readonly done: Promise<TransportResult<TransportResponse>>;
  close(): void;
}

export class HttpTransport {
  readonly endpoint: DockerEndpoint;
  // Keep-alive saves a connect per call on the hot path (create, start, inspect).
  private agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  /** Requests not yet answered in full, so a stuck engine's can all be given up at once. */
  private readonly inFlight = new Set<ClientRequest>();

  constructor(endpoint: DockerEndpoint) {
    this.endpoint = endpoint;
  }

  async request(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<TransportResult<TransportResponse>> {
    const chunks: string[] = [];
    const sink: Sink = { onData: (text) => chunks.push(text), end: () => chunks.join('') };
    return this.open(method, path, options.body, options.headers, { total: options.timeoutMs ?? 30_000 }, sink).done;
  }

  /** A response read line by line (pull progress, events); a non-2xx answer's body is returned whole. */
  stream(method: string, path: string, options: StreamOptions): OpenStream {
    let pending = '';
    let streaming = false;
    const sink: Sink = {
      onOpen: () => {
        streaming = true;
        options.onOpen?.();
      },
      onData: (text) => {
        pending += text;
        if (!streaming) return;
        let newline = pending.indexOf('\n');
        while (newline >= 0) {
          const line = pending.slice(0, newline).trim();
          pending = pending.slice(newline + 1);
          if (line !== '') options.onLine(line);
          newline = pending.indexOf('\n');
        }
      },
      end: () => {
        if (!streaming) return pending;
        if (pending.trim() !== '') options.onLine(pending.trim());
        return '';
      },
    };
    const deadlines = {
      ...(options.timeoutMs !== undefined && { total: options.timeoutMs }),
      ...(options.openTimeoutMs !== undefined && { open: options.openTimeoutMs }),
    };
    return this.open(method, path, undefined, options.headers, deadlines, sink);
  }

  close(): void {
    this.agent.destroy();
  }

  /**
   * Gives up every exchange in flight (they fail as transport failures) and
   * every pooled connection: after an engine was found stuck, nothing sent
   * to it before is still waited for, and nothing reuses its connections.
   */
  abandon(reason: string): void {
    for (const request of this.inFlight) request.destroy(new Error(reason));
    this.inFlight.clear();
    this.agent.destroy();
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  }

  private open(
    method: string,
    path: string,
    body: unknown,
    headers: Readonly<Record<string, string>> | undefined,
    deadlines: Deadlines,
    sink: Sink,
  ): OpenStream {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const target =
      this.endpoint.kind === 'unix'
        ? { socketPath: this.endpoint.socketPath }
        : { host: this.endpoint.host, port: this.endpoint.port };
    let request: ClientRequest | undefined;
    let closedByUs = false;
    const done = new Promise<TransportResult<TransportResponse>>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      let openTimer: NodeJS.Timeout | undefined;
      let settled = false;
      const finish = (result: TransportResult<TransportResponse>): void => {
        if (settled) return;
        settled = true;
        if (request) this.inFlight.delete(request);
        if (timer) clearTimeout(timer);
        if (openTimer) clearTimeout(openTimer);
        resolve(result);
      };
      const broken = (status: number, error: Error): void =>
        finish(closedByUs ? { ok: true, value: { status, body: sink.end() } } : { ok: false, message: error.message });
      request = http.request(
        {
          ...target,
          agent: this.agent,
          method,
          path,
          headers: {
            ...(payload === undefined
              ? {}
              : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
            ...headers,
          },
        },
        (response) => {
          if (openTimer) clearTimeout(openTimer);
          const status = response.statusCode ?? 0;
          response.setEncoding('utf8');
          if (status >= 200 && status <= 299) sink.onOpen?.();
          response.on('data', (text: string) => sink.onData(text));
          response.on('end', () => finish({ ok: true, value: { status, body: sink.end() } }));
          response.on('error', (error) => broken(status, error));
          response.on('close', () => {
            if (!response.complete) broken(status, new Error('the engine closed the response'));
          });
        },
      );
      const { total, open } = deadlines;
      if (total !== undefined) {
        timer = setTimeout(() => request?.destroy(new Error(`no answer within ${total} ms`)), total);
      }
      if (open !== undefined) {
        openTimer = setTimeout(() => request?.destroy(new Error(`no response within ${open} ms`)), open);
      }
      this.inFlight.add(request);
      request.on('error', (error) => broken(0, error));
      request.end(payload);
    });
    return {
      done,
      close: () => {
        closedByUs = true;
        request?.destroy();
      },
    };
  }
}

/** How long the whole exchange may take, and how long until the engine starts answering. */
interface Deadlines {
  readonly total?: number;
  readonly open?: number;
}

interface Sink {
  onOpen?(): void;
  onData(text: string): void;
  /** The body to return once the response is over. */
  end(): string;
}
