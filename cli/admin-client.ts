import * as z from 'zod';
import {
  createAccessKeyResponse,
  disableAccessKeyResponse,
  listAccessKeysResponse,
  readAuditResponse,
  rotateAccessKeyResponse,
  type ReadAuditRequest,
} from '#shared/security/admin-api.ts';
import type { Connection } from './connection.ts';
import { signedFetch } from './signed-fetch.ts';

/** A refusal or failure the admin API answered with, as its `__type` and message. */
export class AdminApiError extends Error {
  override readonly name = 'AdminApiError';
  readonly type: string;
  readonly status: number;
  constructor(type: string, status: number, message: string) {
    super(message);
    this.type = type;
    this.status = status;
  }
}

const errorBody = z.object({ __type: z.string(), message: z.string() });

type SignedConnection = Connection & { credentials: NonNullable<Connection['credentials']> };

/**
 * One signed call to the admin API (/admin/v1): the answer is checked
 * against its schema, and a refusal becomes an AdminApiError with its type.
 */
export function adminCall(connection: SignedConnection, baseFetch?: typeof fetch) {
  const send = signedFetch({
    credentials: connection.credentials,
    region: connection.region,
    ...(baseFetch && { fetch: baseFetch }),
  });
  return async <S extends z.ZodType>(schema: S, method: string, path: string, body?: unknown): Promise<z.infer<S>> => {
    const response = await send(`${connection.endpoint}/admin/v1${path}`, {
      method,
      ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const json = parseJson(text);
    if (!response.ok) {
      const known = errorBody.safeParse(json);
      if (known.success) throw new AdminApiError(known.data.__type, response.status, known.data.message);
      throw new AdminApiError('HttpError', response.status, `HTTP ${response.status}: ${text.slice(0, 300)}`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new AdminApiError('UnexpectedAnswer', response.status, `unexpected answer from ${path}`);
    return parsed.data;
  };
}

/** The admin API's key and audit calls, as the `berth` CLI uses them. */
export function adminClient(connection: SignedConnection, baseFetch?: typeof fetch) {
  const call = adminCall(connection, baseFetch);

  return {
    createAccessKey: (request: { name?: string; policy?: unknown; admin?: boolean }) =>
      call(createAccessKeyResponse, 'POST', '/access-keys', request),
    listAccessKeys: () => call(listAccessKeysResponse, 'GET', '/access-keys'),
    disableAccessKey: (id: string) =>
      call(disableAccessKeyResponse, 'POST', `/access-keys/${encodeURIComponent(id)}/disable`),
    rotateAccessKey: (id: string) =>
      call(rotateAccessKeyResponse, 'POST', `/access-keys/${encodeURIComponent(id)}/rotate`),
    readAudit: (request: ReadAuditRequest) => {
      const query = new URLSearchParams();
      if (request.since !== undefined) query.set('since', request.since);
      if (request.limit !== undefined) query.set('limit', String(request.limit));
      if (request.nextToken !== undefined) query.set('nextToken', request.nextToken);
      const search = query.toString();
      return call(readAuditResponse, 'GET', `/audit${search === '' ? '' : `?${search}`}`);
    },
  };
}
export type AdminClient = ReturnType<typeof adminClient>;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
