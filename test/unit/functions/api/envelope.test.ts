import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { accept, admitted, answerErrors, type EnvelopeEnv } from '#functions/api/envelope.ts';
import { GuardRefusal, type GuardedCall, type RequestGuard } from '#functions/api/guard.ts';
import { ClientError } from '#shared/domain/errors.ts';

/** A guard that records what it was asked and how each call was settled; `refuse` names what it turns down. */
function recordingGuard(refuse: { admit?: boolean; authorize?: boolean } = {}) {
  const admitted: GuardedCall[] = [];
  const authorized: unknown[] = [];
  const settled: { requestId: string; error: unknown }[] = [];
  const refusal = () => new GuardRefusal({ type: 'AccessDeniedException', status: 403, message: 'not for you' });
  const guard: RequestGuard = {
    checkEcs: async () => {},
    checkAgent: async () => {},
    admit: async (_c, call) => {
      admitted.push(call);
      if (refuse.admit) throw refusal();
      return {
        authorize: async (input) => {
          if (refuse.authorize) throw refusal();
          authorized.push(input);
        },
        settle: async (error) => {
          settled.push({ requestId: call.requestId, error });
        },
      };
    },
  };
  return { guard, admitted, authorized, settled };
}

const echo = z.strictObject({ say: z.string() });

function app(guard: RequestGuard, logged: string[] = []) {
  const logger = { info: () => {}, warn: () => {}, error: (message: string) => void logged.push(message) };
  const ran: unknown[] = [];
  const api = new Hono<EnvelopeEnv>();
  api.onError(answerErrors(logger, (c) => `test ${c.req.path}`));
  api.post('/echo', admitted(guard, 'test:Echo'), async (c) => {
    const input = await accept(c, echo, JSON.parse(new TextDecoder().decode(c.get('raw'))));
    ran.push(input);
    return c.json(input);
  });
  api.post(
    '/refuse',
    admitted(guard, (c) => `test:${c.req.header('x-action') ?? 'none'}`),
    () => {
      throw new ClientError('The cluster is not active');
    },
  );
  api.post('/crash', admitted(guard, 'test:Crash'), () => {
    throw new Error('a bug');
  });
  const call = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const response = await api.request(path, { method: 'POST', body: JSON.stringify(body), headers });
    return {
      status: response.status,
      requestId: response.headers.get('x-amzn-requestid'),
      errorType: response.headers.get('x-amzn-errortype'),
      body: (await response.json()) as Record<string, unknown>,
    };
  };
  return { call, ran };
}

describe('the request envelope of the signed routers', () => {
  it('admits the call for its action with the body as sent, and answers with the id the call was admitted under', async () => {
    const { guard, admitted: calls, settled, authorized } = recordingGuard();
    const { call, ran } = app(guard);
    const answer = await call('/echo', { say: 'hi' });
    expect(answer).toMatchObject({ status: 200, body: { say: 'hi' } });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.action).toBe('test:Echo');
    expect(new TextDecoder().decode(calls[0]?.body)).toBe('{"say":"hi"}');
    expect(answer.requestId).toBe(calls[0]?.requestId);
    expect(authorized).toEqual([{ say: 'hi' }]);
    expect(ran).toEqual([{ say: 'hi' }]);
    expect(settled).toEqual([{ requestId: answer.requestId, error: undefined }]);
  });

  it('makes a fresh id for every call and never takes one the caller sent', async () => {
    const { guard, admitted: calls } = recordingGuard();
    const { call } = app(guard);
    const first = await call('/echo', { say: 'a' }, { 'x-amzn-RequestId': 'chosen-by-caller' });
    const second = await call('/echo', { say: 'b' });
    expect(first.requestId).not.toBe('chosen-by-caller');
    expect(first.requestId).not.toBe(second.requestId);
    expect(calls.map((c) => c.requestId)).toEqual([first.requestId, second.requestId]);
  });

  it('reads the action from the request where the route says so', async () => {
    const { guard, admitted: calls } = recordingGuard();
    await app(guard).call('/refuse', {}, { 'x-action': 'Named' });
    expect(calls[0]?.action).toBe('test:Named');
  });

  it('answers a refused admission in the AWS shape, runs nothing and settles nothing', async () => {
    const { guard, settled } = recordingGuard({ admit: true });
    const { call, ran } = app(guard);
    const answer = await call('/echo', { say: 'hi' });
    expect(answer).toMatchObject({
      status: 403,
      errorType: 'AccessDeniedException',
      body: { __type: 'AccessDeniedException', message: 'not for you' },
    });
    expect(answer.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(ran).toEqual([]);
    expect(settled).toEqual([]);
  });

  it('validates before it authorises: a bad input is refused by its schema and settled with that error', async () => {
    const { guard, settled, authorized } = recordingGuard();
    const { call, ran } = app(guard);
    const answer = await call('/echo', { say: 1 });
    expect(answer.status).toBe(400);
    expect(answer.body.__type).toBe(answer.errorType);
    expect(String(answer.body.message)).toContain('say');
    expect(authorized).toEqual([]);
    expect(ran).toEqual([]);
    expect(settled).toHaveLength(1);
    expect(settled[0]?.error).toBeInstanceOf(Error);
  });

  it('runs nothing the guard does not authorise for the validated input, and settles with the refusal', async () => {
    const { guard, settled } = recordingGuard({ authorize: true });
    const { call, ran } = app(guard);
    const answer = await call('/echo', { say: 'hi' });
    expect(answer).toMatchObject({ status: 403, errorType: 'AccessDeniedException' });
    expect(ran).toEqual([]);
    expect(settled[0]?.error).toBeInstanceOf(GuardRefusal);
  });

  it('answers a domain error as its ECS error and settles the call with it', async () => {
    const { guard, settled } = recordingGuard();
    const answer = await app(guard).call('/refuse', {});
    expect(answer).toMatchObject({
      status: 400,
      errorType: 'ClientException',
      body: { message: 'The cluster is not active' },
    });
    expect(settled).toEqual([{ requestId: answer.requestId, error: expect.any(ClientError) }]);
  });

  it('answers an unexpected error as a ServerException naming the request id, and logs it', async () => {
    const { guard, settled } = recordingGuard();
    const logged: string[] = [];
    const answer = await app(guard, logged).call('/crash', {});
    expect(answer).toMatchObject({ status: 500, errorType: 'ServerException' });
    expect(String(answer.body.message)).toContain(String(answer.requestId));
    expect(logged).toEqual(['test /crash failed']);
    expect(settled[0]?.error).toBeInstanceOf(Error);
  });
});
