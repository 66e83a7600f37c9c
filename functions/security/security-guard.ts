import type { Context } from 'hono';
import { randomUUID } from 'node:crypto';
import type { Deployment } from '#shared/domain/arn.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { Tag } from '#shared/schemas/common.ts';
import { isReadOnly } from '#shared/security/actions.ts';
import type { AuditRecord } from '#shared/security/audit-record.ts';
import { authorizeScope } from '#shared/security/authorize.ts';
import { readsResourceTags } from '#shared/security/policy/evaluate.ts';
import { berthArns, type Principal } from '#shared/security/principal.ts';
import { messages, refusalResponse, type Refusal } from '#shared/security/refusal.ts';
import { scopeOf } from '#shared/security/scope/resolve.ts';
import type { ScopedResource } from '#shared/security/scope/scope.ts';
import { readSignature, type SignatureClaim } from '#shared/security/sigv4/read-signature.ts';
import { checkSignature } from '#shared/security/sigv4/verify.ts';
import { toEcsError } from '../api/ecs/errors.ts';
import { GuardRefusal, type Admission, type GuardedCall, type RequestGuard } from '../api/guard.ts';
import type { Logger } from '../runtime/logger.ts';
import type { AccessKeyRepository, ActiveCredential } from './access-key-repository.ts';
import type { AuditRecorder } from './audit-recorder.ts';
import type { ReplayGuard } from './replay-guard.ts';
import type { ScopeRefiner } from './scope-refiner.ts';
import { requestParts, sourceAddress } from './request-parts.ts';
import type { TagLookup } from './tag-lookup.ts';

export interface SecurityGuardDependencies {
  readonly deployment: Deployment;
  readonly clock: Clock;
  readonly keys: AccessKeyRepository;
  readonly replay: ReplayGuard;
  readonly audit: AuditRecorder;
  readonly tags: TagLookup;
  /** Further scopes a request needs (the revision it runs, the secrets it uses); its own scope alone when absent. */
  readonly refine?: ScopeRefiner;
  readonly logger: Logger;
  /** The signing name requests must be scoped to. */
  readonly service?: string;
  readonly maxSkewMs?: number;
  /** The agent API's own check; agent credentials are not this guard's concern. */
  readonly checkAgent?: (c: Context) => Promise<void>;
}

export const DEFAULT_MAX_SKEW_MS = 5 * 60_000;

/**
 * Berth's guard: every call is a SigV4 signature checked against Berth's
 * own access keys, then the key's policy decides. Refusals, and every
 * mutating call whatever its outcome, are written to the audit log.
 *
 *   admit      signature: form, scope, time, body hash, key, HMAC
 *   authorize  policy on the resources the validated input names;
 *              for a mutating call, the signature is claimed (replay)
 *   settle     the outcome of a mutating call, to the audit log
 */
export function createSecurityGuard(deps: SecurityGuardDependencies): RequestGuard {
  const expectations = {
    region: deps.deployment.region,
    service: deps.service ?? 'ecs',
    maxSkewMs: deps.maxSkewMs ?? DEFAULT_MAX_SKEW_MS,
  };

  const record = (entry: AuditRecord) => deps.audit.record(entry);
  // Application Auto Scaling's calls are signed for its own service name, as its SDKs sign them.
  const expectationsFor = (action: string) =>
    action.startsWith('application-autoscaling:')
      ? { ...expectations, service: 'application-autoscaling' }
      : action.startsWith('logs:')
        ? { ...expectations, service: 'logs' }
        : expectations;

  /**
   * Refusals before the signature checks out are throttled per source (anyone
   * can send them); refusals of a proven key are always recorded.
   */
  async function refuse(base: AuditRecord, refusal: Refusal, authenticated = true): Promise<never> {
    const entry: AuditRecord = {
      ...base,
      outcome: 'denied',
      errorCode: refusalResponse(refusal).type,
      errorMessage: refusal.message,
    };
    await (authenticated ? deps.audit.record(entry) : deps.audit.recordUnauthenticated(entry));
    throw new GuardRefusal(refusalResponse(refusal));
  }

  async function admit(c: Context, call: GuardedCall): Promise<OneStepAdmission> {
    const now = deps.clock.now();
    const userAgent = c.req.header('user-agent');
    const base: AuditRecord = {
      time: new Date(now).toISOString(),
      requestId: call.requestId,
      principal: 'anonymous',
      sourceAddress: sourceAddress(c),
      ...(userAgent !== undefined && { userAgent }),
      action: call.action,
      resources: [],
      outcome: 'denied',
    };
    const read = readSignature(requestParts(c, call.body), expectationsFor(call.action), now);
    if (!read.ok) return refuse(base, read.refusal, false);
    const claimed = { ...base, accessKeyId: read.claim.accessKeyId };
    const credential = await deps.keys.credentialFor(read.claim.accessKeyId);
    if (!credential) return refuse(claimed, { kind: 'unknown-key', message: messages.unknownKey }, false);
    const check = checkSignature(read.claim, credential.secret);
    if (!check.ok) return refuse(claimed, check.refusal, false);
    const principal: Principal = {
      arn: berthArns.accessKey(deps.deployment, credential.key.accessKeyId),
      accessKeyId: credential.key.accessKeyId,
      name: credential.key.name,
    };
    return admission({ ...claimed, principal: principal.arn }, principal, credential, read.claim);
  }

  type OneStepAdmission = Admission & { admitted(): Promise<void> };

  function admission(
    base: AuditRecord,
    principal: Principal,
    credential: ActiveCredential,
    claim: SignatureClaim,
  ): OneStepAdmission {
    let resources: string[] = [];
    return {
      async authorize(input) {
        const own = scopeOf(deps.deployment, base.action, input);
        const scopes = deps.refine ? await deps.refine(own, input) : [own];
        resources = scopes.flatMap((s) => s.resources.map((r) => r.arn));
        for (const scope of scopes) {
          const tags = readsResourceTags(credential.key.policy)
            ? await tagsOf(scope.resources)
            : new Map<ScopedResource, readonly Tag[]>();
          const decision = authorizeScope(principal, credential.key.policy, scope, (r) => tags.get(r));
          if (!decision.ok) return refuse({ ...base, resources }, decision.refusal);
        }
        // Read-only calls skip the claim: a replayed read changes nothing, and polling clients would pay a write per call.
        // The replay guard claims only signatures that cover a per-call id (see replay-guard.ts).
        if (!isReadOnly(base.action) && !(await deps.replay.claim(claim))) {
          return refuse(
            { ...base, resources },
            { kind: 'replayed', message: 'Signature has already been used; sign each request anew.' },
          );
        }
      },
      async settle(error) {
        if (error instanceof GuardRefusal || isReadOnly(base.action)) return;
        const failure = error === undefined ? {} : describeError(error);
        await record({ ...base, resources, outcome: error === undefined ? 'succeeded' : 'failed', ...failure });
      },
      async admitted() {
        if (!isReadOnly(base.action)) await record({ ...base, resources, outcome: 'admitted' });
      },
    };
  }

  async function tagsOf(resources: readonly ScopedResource[]): Promise<Map<ScopedResource, readonly Tag[]>> {
    const found = new Map<ScopedResource, readonly Tag[]>();
    for (const resource of resources) {
      const tags = resource.tags ? await deps.tags(resource.tags) : undefined;
      if (tags) found.set(resource, tags);
    }
    return found;
  }

  return {
    admit,
    /**
     * For routers that check before parsing (one step): the resources are
     * read from the raw body leniently. A mutating call is recorded as
     * admitted, since such a router reports no outcome.
     */
    async checkEcs(c, operation, body) {
      const requestId = c.res.headers.get('x-amzn-requestid') ?? randomUUID();
      const admitted = await admit(c, { action: `ecs:${operation}`, body, requestId });
      await admitted.authorize(parseLoosely(body));
      await admitted.admitted();
    },
    checkAgent: deps.checkAgent ?? (async () => {}),
  };
}

function parseLoosely(body: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(body));
  } catch {
    return undefined;
  }
}

/** An error's type and message for the audit log: the ECS error type when it has one. */
function describeError(error: unknown): { errorCode: string; errorMessage?: string } {
  const known = toEcsError(error);
  if (known) return { errorCode: known.type, errorMessage: known.message };
  return error instanceof Error ? { errorCode: error.name, errorMessage: error.message } : { errorCode: 'Unknown' };
}
