import type { IncomingMessage } from 'node:http';
import type { LogFollow, LogLine } from '#shared/ports/container-runtime.ts';
import type { DockerEndpoint } from './docker-host.ts';

// Not `import http from 'node:http'`: see ../net/http-request.ts for the memory that import costs.
const http = process.getBuiltinModule('node:http');

/**
 * Follows one container's output through the engine's logs API
 * (`follow=1&timestamps=1`), from `sinceMs`, until the container stops or
 * the caller closes it. Loaded only when a container ships its logs.
 *
 * Without a terminal the engine multiplexes stdout and stderr in frames (an
 * 8-byte header: stream, three zero bytes, the payload's length); with one
 * the body is the raw output. A line starts with the engine's RFC 3339 time.
 */
export function followEngineLogs(endpoint: DockerEndpoint, path: string, onLine: (line: LogLine) => void): LogFollow {
  const target =
    endpoint.kind === 'unix' ? { socketPath: endpoint.socketPath } : { host: endpoint.host, port: endpoint.port };
  let response: IncomingMessage | undefined;
  const done = new Promise<void>((resolve) => {
    const request = http.request({ ...target, method: 'GET', path }, (res) => {
      response = res;
      if ((res.statusCode ?? 0) !== 200) {
        res.resume();
        res.on('end', resolve);
        return;
      }
      const reader = new FrameReader(onLine);
      res.on('data', (chunk: Buffer) => reader.push(chunk));
      res.on('end', () => {
        reader.end();
        resolve();
      });
      res.on('error', () => resolve());
      res.on('close', () => resolve());
    });
    request.on('error', () => resolve());
    request.end();
  });
  return {
    done,
    close: () => response?.destroy(),
  };
}

class FrameReader {
  private buffer: Buffer = Buffer.alloc(0);
  private multiplexed: boolean | undefined;
  private readonly partial: [string, string, string] = ['', '', ''];
  private readonly onLine: (line: LogLine) => void;
  constructor(onLine: (line: LogLine) => void) {
    this.onLine = onLine;
  }

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    this.multiplexed ??= this.buffer.length >= 4 && (this.buffer[0] ?? 9) <= 2 && this.buffer.readUIntBE(1, 3) === 0;
    if (!this.multiplexed) {
      this.text(1, this.buffer.toString('utf8'));
      this.buffer = Buffer.alloc(0);
      return;
    }
    while (this.buffer.length >= 8) {
      const size = this.buffer.readUInt32BE(4);
      if (this.buffer.length < 8 + size) break;
      const stream = this.buffer[0] === 2 ? 2 : 1;
      this.text(stream, this.buffer.subarray(8, 8 + size).toString('utf8'));
      this.buffer = this.buffer.subarray(8 + size);
    }
  }

  end(): void {
    for (const stream of [1, 2] as const) {
      if (this.partial[stream] !== '') this.line(stream, this.partial[stream]);
      this.partial[stream] = '';
    }
  }

  private text(stream: 1 | 2, text: string): void {
    const lines = (this.partial[stream] + text).split('\n');
    this.partial[stream] = lines.pop() ?? '';
    for (const line of lines) this.line(stream, line);
  }

  private line(stream: 1 | 2, raw: string): void {
    const space = raw.indexOf(' ');
    const timestamp = space > 0 ? Date.parse(raw.slice(0, space)) : Number.NaN;
    if (Number.isNaN(timestamp)) return;
    this.onLine({
      timestamp,
      message: raw.slice(space + 1).replace(/\r$/, ''),
      stream: stream === 2 ? 'stderr' : 'stdout',
    });
  }
}
