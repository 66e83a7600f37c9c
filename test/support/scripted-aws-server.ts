import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterEach } from 'vitest';
import type { AddressInfo } from 'node:net';

/** A request the scripted server received. */
export interface SeenRequest {
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** One scripted answer; the last one is repeated for every later request. */
export interface ScriptedAnswer {
  readonly status: number;
  readonly body: string;
  readonly headers?: Record<string, string>;
}

/**
 * An HTTP server on a loopback port that answers as an AWS JSON service
 * would, from a script, and records what it was sent: for the unit tests
 * of Berth's lean AWS clients (the functions' and the agent's).
 */
export async function startScriptedAwsServer(
  answers: readonly ScriptedAnswer[],
): Promise<{ endpoint: string; seen: SeenRequest[]; server: Server }> {
  const seen: SeenRequest[] = [];
  async function answerWith(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    seen.push({ method: request.method, url: request.url, headers: request.headers, body });
    const answer = answers[Math.min(seen.length - 1, answers.length - 1)] ?? { status: 500, body: '' };
    response.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.1', ...answer.headers });
    response.end(answer.body);
  }
  const server = createServer((request: IncomingMessage, response) => void answerWith(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${port}`, seen, server };
}

/**
 * A `scripted(answers)` for one test file: each call starts a server, and
 * every server started is closed after each test.
 */
export function scriptedAwsServers(): (
  answers: readonly ScriptedAnswer[],
) => Promise<{ endpoint: string; seen: SeenRequest[] }> {
  const open: Server[] = [];
  afterEach(async () => {
    const closing = open.splice(0).map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
    await Promise.all(closing);
  });
  return async (answers) => {
    const started = await startScriptedAwsServer(answers);
    open.push(started.server);
    return started;
  };
}
