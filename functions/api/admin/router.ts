import { Hono, type Context, type MiddlewareHandler } from 'hono';
import * as z from 'zod';
import { createAccessKeyRequest, MAX_POLICY_BYTES, readAuditRequest } from '#shared/security/admin-api.ts';
import type { AdminService } from '#shared/security/admin-service.ts';
import { createRegistrationTokenRequest, type RegistrationTokenAdmin } from '#shared/security/agent-credentials.ts';
import { accessKeyId } from '#shared/security/principal.ts';
import {
  getClusterPolicyRequest,
  putClusterPolicyRequest,
  type ClusterPolicyAdmin,
} from '#shared/security/cluster-policy-api.ts';
import { putSecretRequest, secretRef, type SecretAdmin } from '#shared/security/secret-api.ts';
import { AccessKeyNotFoundError } from '#functions/security/errors.ts';
import type { Logger } from '#functions/runtime/logger.ts';
import { ProtocolError, type EcsErrorShape } from '../ecs/errors.ts';
import { accept, admitted, answerErrors, type EnvelopeEnv } from '../envelope.ts';
import { parseJsonBody } from '../respond.ts';
import type { RequestGuard } from '../guard.ts';

/**
 * The admin API under /admin/v1 (routes in shared/security/admin-api.ts):
 * signed like every other call and authorised by the same policies, with
 * `berth:` actions. Errors read as the ECS endpoint's (`{ __type, message }`
 * and x-amzn-ErrorType), so one client handles both.
 */
export function adminRouter(
  admin: AdminService & Partial<RegistrationTokenAdmin> & Partial<ClusterPolicyAdmin> & Partial<SecretAdmin>,
  guard: RequestGuard,
  logger: Logger,
): Hono<EnvelopeEnv> {
  const app = new Hono<EnvelopeEnv>();
  app.onError(answerErrors(logger, () => 'admin request', adminErrors));
  const route = handler(guard);
  const keyRef = z.strictObject({ accessKeyId });

  app.post(
    '/access-keys',
    ...route(
      'berth:CreateAccessKey',
      createAccessKeyRequest,
      (_c, raw) => parseJsonBody(raw),
      async (request) => ({
        accessKey: await admin.createAccessKey(request),
      }),
    ),
  );
  app.get(
    '/access-keys',
    ...route(
      'berth:ListAccessKeys',
      z.strictObject({}),
      (c) => c.req.query(),
      async () => ({ accessKeys: await admin.listAccessKeys() }),
    ),
  );
  app.post(
    '/access-keys/:id/disable',
    ...route(
      'berth:DisableAccessKey',
      keyRef,
      (c) => ({ accessKeyId: c.req.param('id') }),
      async ({ accessKeyId: id }) => ({
        accessKey: await admin.disableAccessKey(id),
      }),
    ),
  );
  app.post(
    '/access-keys/:id/rotate',
    ...route(
      'berth:RotateAccessKey',
      keyRef,
      (c) => ({ accessKeyId: c.req.param('id') }),
      ({ accessKeyId: id }) => admin.rotateAccessKey(id),
    ),
  );
  app.get(
    '/audit',
    ...route(
      'berth:ReadAudit',
      readAuditRequest,
      (c) => c.req.query(),
      (request) => admin.readAudit(request),
    ),
  );
  // Agent registration tokens (docs/security.md), where the service issues them.
  const tokens = admin.createRegistrationToken?.bind(admin);
  if (tokens) {
    app.post(
      '/registration-tokens',
      ...route(
        'berth:CreateRegistrationToken',
        createRegistrationTokenRequest,
        (_c, raw) => parseJsonBody(raw),
        async (request) => ({
          registrationToken: await tokens(request),
        }),
      ),
    );
  }
  clusterSecurityRoutes(app, admin, route);
  return app;
}

/** Cluster policies and Berth's secret store (docs/security.md), where the service keeps them. */
function clusterSecurityRoutes(
  app: Hono<EnvelopeEnv>,
  admin: Partial<ClusterPolicyAdmin> & Partial<SecretAdmin>,
  route: ReturnType<typeof handler>,
): void {
  const { putClusterPolicy, getClusterPolicy, putSecret, listSecrets, deleteSecret } = admin;
  if (putClusterPolicy && getClusterPolicy) {
    const cluster = (c: Context<EnvelopeEnv>) => c.req.param('cluster');
    app.put(
      '/clusters/:cluster/policy',
      ...route(
        'berth:PutClusterPolicy',
        putClusterPolicyRequest,
        (c, raw) => ({ clusterName: cluster(c), policy: parseJsonBody(raw) }),
        async (r) => ({
          clusterPolicy: await putClusterPolicy.call(admin, r),
        }),
      ),
    );
    app.get(
      '/clusters/:cluster/policy',
      ...route(
        'berth:GetClusterPolicy',
        getClusterPolicyRequest,
        (c) => ({ clusterName: cluster(c) }),
        async (r) => ({
          clusterPolicy: await getClusterPolicy.call(admin, r.clusterName),
        }),
      ),
    );
  }
  if (putSecret && listSecrets && deleteSecret) {
    // The request body carries a secret value: it is parsed here and handed on, never echoed or logged.
    app.put(
      '/secrets/:name',
      ...route(
        'berth:PutSecret',
        putSecretRequest,
        (c, raw) => ({ ...bodyObject(raw), name: c.req.param('name') }),
        async (r) => ({
          secret: await putSecret.call(admin, r),
        }),
      ),
    );
    app.get(
      '/secrets',
      ...route(
        'berth:ListSecrets',
        z.strictObject({}),
        (c) => c.req.query(),
        async () => ({ secrets: await listSecrets.call(admin) }),
      ),
    );
    app.delete(
      '/secrets/:name',
      ...route(
        'berth:DeleteSecret',
        secretRef,
        (c) => ({ name: c.req.param('name') }),
        async (r) => ({ secret: await deleteSecret.call(admin, r.name) }),
      ),
    );
  }
}

/** The body's fields; anything but a JSON object has none, and the schema then names what is missing. */
function bodyObject(raw: Uint8Array): Record<string, unknown> {
  const json = parseJsonBody(raw);
  return typeof json === 'object' && json !== null && !Array.isArray(json) ? { ...json } : {};
}

/** Answers may carry a new secret: nothing on the way may keep a copy, refusals included. */
const noStore: MiddlewareHandler<EnvelopeEnv> = async (c, next) => {
  c.header('cache-control', 'no-store');
  await next();
};

/** A route's handlers: the envelope admits the call as `action`, then the input is read, validated, authorised and run. */
function handler(guard: RequestGuard) {
  return <S extends z.ZodType>(
    action: string,
    schema: S,
    input: (c: Context<EnvelopeEnv>, raw: Uint8Array) => unknown,
    run: (request: z.infer<S>) => Promise<unknown>,
  ) =>
    [
      noStore,
      admitted(guard, action),
      async (c: Context<EnvelopeEnv>): Promise<Response> => {
        const raw = c.get('raw');
        if (raw.length > MAX_POLICY_BYTES + 1024)
          throw new ProtocolError('SerializationException', 'The request body is too large');
        const request = await accept(c, schema, input(c, raw));
        return c.json(await run(request), 200);
      },
    ] as const;
}

/** The admin API's own errors; the rest map as at the ECS endpoint. */
function adminErrors(error: unknown): EcsErrorShape | undefined {
  return error instanceof AccessKeyNotFoundError
    ? { type: 'NoSuchEntityException', status: 404, message: error.message }
    : undefined;
}
