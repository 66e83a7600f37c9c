import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRequest } from '#agent/net/http-request.ts';

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      if (request.url === '/hang') return; // never answers
      const status = Number(new URL(request.url ?? '/', 'http://x').searchParams.get('status') ?? 200);
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ method: request.method, auth: request.headers.authorization, body }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('httpRequest (the agent HTTP client over node:http)', () => {
  it.each([
    { status: 200, ok: true },
    { status: 204, ok: true },
    { status: 409, ok: false },
    { status: 503, ok: false },
  ])('answers $status with ok=$ok and the whole body', async ({ status, ok }) => {
    const answer = await httpRequest(`${base}/x?status=${status}`, {
      method: 'POST',
      headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
      body: '{"a":"é"}',
    });
    expect(answer.status).toBe(status);
    expect(answer.ok).toBe(ok);
    if (status !== 204)
      expect(JSON.parse(answer.body)).toEqual({ method: 'POST', auth: 'Bearer t', body: '{"a":"é"}' });
  });

  it('rejects when the signal fires before an answer, as fetch does', async () => {
    await expect(httpRequest(`${base}/hang`, { signal: AbortSignal.timeout(100) })).rejects.toThrow();
  });

  it('rejects a connection refused and an unsupported scheme', async () => {
    await expect(httpRequest('http://127.0.0.1:1/')).rejects.toThrow(/ECONNREFUSED/);
    await expect(httpRequest('ftp://127.0.0.1/')).rejects.toThrow(/unsupported URL scheme/);
  });
});
