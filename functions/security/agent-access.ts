import { randomUUID } from 'node:crypto';
import { AgentError } from '#shared/domain/errors.ts';
import { arns, clusterName, type Deployment } from '#shared/domain/arn.ts';
import { containerInstances } from '#shared/domain/collections.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { Store, Versioned } from '#shared/ports/store.ts';
import type { CredentialGrant, InstanceCredentialRecord } from '#shared/security/agent-credentials.ts';
import {
  AgentCredentialError,
  authorizeClaims,
  instanceClaims,
  type AgentAccess,
  type AgentCaller,
  type RegistrationAdmission,
} from '#shared/security/agent-credentials-access.ts';
import { hashRegistrationToken } from '#shared/security/agent-credentials-token.ts';
import type { AgentCall } from '#shared/security/agent-call.ts';
import type { AuditRecord } from '#shared/security/audit-record.ts';
import type { Logger } from '../runtime/logger.ts';
import type { AgentCredentialIssuer } from './agent-credential-issuer.ts';
import type { RegistrationTokenRepository } from './agent-registration-tokens.ts';
import type { AuditRecorder } from './audit-recorder.ts';
import { requireTakeoverAllowed } from './agent-takeover.ts';

export interface AgentAccessDependencies {
  readonly store: Store;
  readonly clock: Clock;
  readonly deployment: Deployment;
  readonly issuer: AgentCredentialIssuer;
  readonly tokens: RegistrationTokenRepository;
  readonly audit: AuditRecorder;
  readonly logger: Logger;
}

/** Where the request came from, for the audit log. */
export interface AgentRequestOrigin {
  readonly sourceAddress: string;
  readonly userAgent?: string;
  /** The call as its path names it, for records of refusals met by the route. */
  readonly call: AgentCall;
}

/**
 * One authenticated agent request's rights. Registrations and credential
 * exchanges are audited, admitted or refused; every other refusal (a
 * credential used for another instance, a task of another instance) is
 * audited through `refused`. Successful polls and reports are not (one
 * write per poll would be most of an agent's cost).
 */
export function agentAccess(
  deps: AgentAccessDependencies,
  caller: AgentCaller,
  origin: AgentRequestOrigin,
): AgentAccess {
  const d = deps.deployment;
  const principal =
    caller.kind === 'instance'
      ? arns.containerInstance(d, caller.claims.cluster, caller.claims.instanceId)
      : `arn:${d.partition}:berth:${d.region}:${d.accountId}:registration-token/${hashRegistrationToken(caller.token).slice(0, 16)}`;

  /** Refusals recorded already, so `refused` does not record them twice. */
  const recorded = new WeakSet<object>();

  async function record(action: string, resources: string[], error?: unknown): Promise<void> {
    if (error instanceof Error) recorded.add(error);
    const entry: AuditRecord = {
      time: new Date(deps.clock.now()).toISOString(),
      requestId: randomUUID(),
      principal,
      sourceAddress: origin.sourceAddress,
      ...(origin.userAgent !== undefined && { userAgent: origin.userAgent }),
      action,
      resources,
      outcome: error === undefined ? 'succeeded' : 'denied',
      ...(error instanceof AgentCredentialError || error instanceof AgentError
        ? { errorCode: error.code, errorMessage: error.message }
        : {}),
    };
    // Refusals that prove no identity that can be cut off are throttled per source: a 401 (a bad token, a
    // replaced credential), and anything refused to a registration token (it cannot be revoked before it expires).
    const throttled =
      error !== undefined && (error instanceof AgentCredentialError || caller.kind === 'registration-token');
    await (throttled ? deps.audit.recordUnauthenticated(entry) : deps.audit.record(entry));
  }

  /** Runs a check; a refusal is audited and rethrown. */
  async function audited<T>(action: string, resources: string[], check: () => Promise<T>): Promise<T> {
    try {
      return await check();
    } catch (error) {
      if (error instanceof AgentCredentialError || error instanceof AgentError) await record(action, resources, error);
      throw error;
    }
  }

  function issuing(
    cluster: string,
    action: string,
    current: Versioned<InstanceCredentialRecord> | undefined,
  ): RegistrationAdmission {
    return {
      async issue(instanceId) {
        const grant = await deps.issuer.issue(cluster, instanceId, current);
        await record(action, [arns.containerInstance(d, cluster, instanceId)]);
        return grant;
      },
    };
  }

  return {
    caller,

    async refused(error) {
      if (error instanceof Error && recorded.has(error)) return;
      const refusal = error instanceof AgentCredentialError || (error instanceof AgentError && error.status === 403);
      if (refusal) await record(origin.call.action, origin.call.resources, error);
    },

    authorizeInstance(clusterRef, instanceId) {
      authorizeClaims(instanceClaims(caller), clusterName(d, clusterRef), instanceId);
    },

    instanceFor(clusterRef) {
      const claims = instanceClaims(caller);
      authorizeClaims(claims, clusterName(d, clusterRef), undefined);
      return claims.instanceId;
    },

    admitRegistration(clusterRef, instanceId) {
      const cluster = clusterName(d, clusterRef);
      const action = 'ecs:RegisterContainerInstance';
      const resource =
        instanceId === undefined ? arns.cluster(d, cluster) : arns.containerInstance(d, cluster, instanceId);
      return audited(action, [resource], async () => {
        if (caller.kind === 'registration-token') {
          let current: Versioned<InstanceCredentialRecord> | undefined;
          // Checked once the token is known good, before it is spent: a refused takeover costs the token nothing.
          const used = await deps.tokens.consume(caller.token, cluster, async () => {
            if (instanceId === undefined) return;
            current = await deps.issuer.record(cluster, instanceId);
            await requireTakeoverAllowed(deps, cluster, instanceId, current);
          });
          if (!used.ok) {
            throw used.reason === 'other-cluster'
              ? new AgentError(403, 'AccessDenied', used.message)
              : new AgentCredentialError('InvalidRegistrationToken', used.message);
          }
          return issuing(cluster, action, current);
        }
        if (instanceId === undefined) {
          throw new AgentError(
            403,
            'AccessDenied',
            'An instance credential re-attaches its own instance only; a new instance registers with a registration token',
          );
        }
        authorizeClaims(caller.claims, cluster, instanceId);
        const current = await deps.issuer.record(cluster, instanceId);
        deps.issuer.requireExchangeable(current, caller.claims);
        return issuing(cluster, action, current);
      });
    },

    rotate(clusterRef, instanceId): Promise<CredentialGrant> {
      const cluster = clusterName(d, clusterRef);
      const action = 'berth:RotateAgentCredential';
      return audited(action, [arns.containerInstance(d, cluster, instanceId)], async () => {
        const claims = instanceClaims(caller);
        authorizeClaims(claims, cluster, instanceId);
        const instance = await deps.store.get(containerInstances, containerInstances.key(cluster, instanceId));
        // A deregistered instance's credential buys nothing, not even a new credential.
        if (!instance || instance.value.status === 'INACTIVE') {
          throw new AgentError(404, 'InstanceNotFound', `Container instance ${instanceId} is not registered`);
        }
        const current = await deps.issuer.record(cluster, instanceId);
        deps.issuer.requireExchangeable(current, claims);
        return issuing(cluster, action, current).issue(instanceId);
      });
    },
  };
}
