import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { rateSeconds } from '../../support/lambda-harness/blueprint.ts';
import { functionUrlEvent, writeResult } from '../../support/lambda-harness/function-url.ts';
import { messagesToDelete } from '../../support/lambda-harness/sqs-event-source.ts';
import { sqsRecord } from '../../support/sqs-records.ts';

function request(url: string, headers: Record<string, string[]>): IncomingMessage {
  return {
    url,
    method: 'POST',
    httpVersion: '1.1',
    headers: Object.fromEntries(Object.entries(headers).map(([name, values]) => [name, values.join('; ')])),
    headersDistinct: headers,
    socket: { remoteAddress: '127.0.0.1' },
  } as unknown as IncomingMessage;
}

const context = { accountId: '123456789012', urlId: 'abc123', region: 'us-east-1' };

describe('the function URL event', () => {
  it('carries the raw path and query, joined repeated values, cookies apart and the request context', () => {
    const event = functionUrlEvent(
      request('/v1/tasks?b=2&a=1&a=3', {
        'content-type': ['application/json'],
        'x-custom': ['one', 'two'],
        cookie: ['s=1', 't=2'],
        'user-agent': ['aws-cli/2'],
      }),
      Buffer.from('{"a":1}'),
      context,
    );
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/v1/tasks',
      rawQueryString: 'b=2&a=1&a=3',
      queryStringParameters: { a: '1,3', b: '2' },
      cookies: ['s=1', 't=2'],
      headers: { 'content-type': 'application/json', 'x-custom': 'one,two', 'user-agent': 'aws-cli/2' },
      body: '{"a":1}',
      isBase64Encoded: false,
      requestContext: {
        accountId: 'anonymous',
        domainName: 'abc123.lambda-url.us-east-1.on.aws',
        http: {
          method: 'POST',
          path: '/v1/tasks',
          protocol: 'HTTP/1.1',
          sourceIp: '127.0.0.1',
          userAgent: 'aws-cli/2',
        },
        stage: '$default',
      },
    });
    expect(event.headers.cookie).toBeUndefined();
  });

  it('base64-encodes a body that is not text (the AWS JSON protocols included)', () => {
    const body = Buffer.from('{"cluster":"c"}');
    const event = functionUrlEvent(request('/', { 'content-type': ['application/x-amz-json-1.1'] }), body, context);
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body ?? '', 'base64').toString()).toBe('{"cluster":"c"}');
    expect(event.queryStringParameters).toBeUndefined();
  });

  it('has no body member for an empty body', () => {
    const event = functionUrlEvent(request('/', {}), Buffer.alloc(0), context);
    expect(event.body).toBeUndefined();
    expect(event.isBase64Encoded).toBe(false);
  });
});

function recordingResponse() {
  const written: { status?: number; headers?: Record<string, unknown>; body?: unknown } = {};
  const response = {
    writeHead: (status: number, headers: Record<string, unknown>) => Object.assign(written, { status, headers }),
    end: (body: unknown) => Object.assign(written, { body }),
  } as unknown as ServerResponse;
  return { response, written };
}

describe('the function URL response', () => {
  it('answers a structured result with its status, headers, cookies and decoded body', () => {
    const { response, written } = recordingResponse();
    writeResult(response, {
      statusCode: 201,
      headers: { 'x-a': 'b' },
      cookies: ['c=d'],
      body: Buffer.from('hi').toString('base64'),
      isBase64Encoded: true,
    });
    expect(written.status).toBe(201);
    expect(written.headers).toEqual({ 'x-a': 'b', 'set-cookie': ['c=d'] });
    expect(String(written.body)).toBe('hi');
  });

  it('answers any other result as a 200 with the result as JSON', () => {
    const { response, written } = recordingResponse();
    writeResult(response, { ok: true });
    expect(written).toEqual({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' });
  });
});

describe('the event source mapping', () => {
  const records = [sqsRecord('m1', '{}', 'g'), sqsRecord('m2', '{}', 'g'), sqsRecord('m3', '{}', 'h')];
  const ids = (list: { messageId: string }[]) => list.map((record) => record.messageId);

  it('deletes all but the reported failures', () => {
    const outcome = { ok: true as const, result: { batchItemFailures: [{ itemIdentifier: 'm2' }] } };
    expect(ids(messagesToDelete(records, outcome, true))).toEqual(['m1', 'm3']);
    expect(ids(messagesToDelete(records, { ok: true, result: null }, true))).toEqual(['m1', 'm2', 'm3']);
  });

  it('deletes nothing after a failed invocation or a response naming a message not in the batch', () => {
    expect(messagesToDelete(records, { ok: false }, true)).toEqual([]);
    const stranger = { ok: true as const, result: { batchItemFailures: [{ itemIdentifier: 'other' }] } };
    expect(messagesToDelete(records, stranger, true)).toEqual([]);
    expect(messagesToDelete(records, { ok: true, result: 'nonsense' }, true)).toEqual([]);
  });

  it('ignores a response without ReportBatchItemFailures', () => {
    const outcome = { ok: true as const, result: { batchItemFailures: [{ itemIdentifier: 'm2' }] } };
    expect(ids(messagesToDelete(records, outcome, false))).toEqual(['m1', 'm2', 'm3']);
  });
});

describe('rate schedules', () => {
  it('reads the rule’s rate in seconds', () => {
    expect(rateSeconds('rate(1 minute)')).toBe(60);
    expect(rateSeconds('rate(5 minutes)')).toBe(300);
    expect(() => rateSeconds('cron(0 * * * ? *)')).toThrow(/rate\(\) schedules only/);
  });
});
