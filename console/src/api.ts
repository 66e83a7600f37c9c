import type { SessionKey } from './key.ts';
import { sign } from './sigv4.ts';

/**
 * The console's one way to the server: signed JSON POSTs to the ECS
 * endpoint (`/`, JSON 1.1 with X-Amz-Target) and to Berth's extensions
 * under /berth/v1. Failures come back as an ApiError with the ECS error
 * type, so views can show what the API said.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly type: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** Past this a request is abandoned and reported, rather than leaving a view spinning. */
export const REQUEST_TIMEOUT_MS = 10_000;

interface Call {
  readonly path: string;
  readonly target?: string;
  readonly service: string;
  readonly body: unknown;
}

async function send(key: SessionKey, call: Call): Promise<unknown> {
  const body = JSON.stringify(call.body);
  const headers: Record<string, string> = {
    host: location.host,
    'content-type': call.target ? 'application/x-amz-json-1.1' : 'application/json',
    // A fresh id per call, signed, as the AWS SDKs send: Berth tells a replay from a second call by it.
    'amz-sdk-invocation-id': crypto.randomUUID(),
    ...(call.target !== undefined && { 'x-amz-target': call.target }),
  };
  const signed = await sign(
    { method: 'POST', path: call.path, headers, body, region: key.region, service: call.service, now: Date.now() },
    key,
  );
  const sent = new Headers();
  for (const [name, value] of Object.entries({ ...headers, ...signed })) if (name !== 'host') sent.set(name, value);
  let response: Response;
  try {
    response = await fetch(call.path, {
      method: 'POST',
      headers: sent,
      body,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      credentials: 'omit',
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'TimeoutError')
      throw new ApiError('Timeout', `The server did not answer within ${REQUEST_TIMEOUT_MS / 1000} seconds.`, 0);
    throw new ApiError('NetworkError', 'The server could not be reached.', 0);
  }
  const text = await response.text();
  const parsed: unknown = text === '' ? {} : safeJson(text);
  if (!response.ok) {
    const fault = (parsed ?? {}) as { __type?: string; message?: string; Message?: string };
    const type = (fault.__type ?? `HTTP ${response.status}`).split('#').pop() ?? 'Error';
    throw new ApiError(type, fault.message ?? fault.Message ?? response.statusText, response.status);
  }
  return parsed;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export interface Api {
  ecs<T>(operation: string, body: unknown): Promise<T>;
  berth<T>(route: string, body: unknown): Promise<T>;
  logs<T>(operation: string, body: unknown): Promise<T>;
}

export function createApi(key: SessionKey): Api {
  return {
    ecs: async (operation, body) =>
      (await send(key, {
        path: '/',
        target: `AmazonEC2ContainerServiceV20141113.${operation}`,
        service: 'ecs',
        body,
      })) as never,
    berth: async (route, body) => (await send(key, { path: `/berth/v1/${route}`, service: 'ecs', body })) as never,
    // The CloudWatch Logs subset shares the endpoint; its X-Amz-Target tells it apart.
    logs: async (operation, body) =>
      (await send(key, { path: '/', target: `Logs_20140328.${operation}`, service: 'logs', body })) as never,
  };
}
