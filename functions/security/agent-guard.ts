import type { Context } from 'hono';
import { randomUUID } from 'node:crypto';
import type { Deployment } from '#shared/domain/arn.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { Store } from '#shared/ports/store.ts';
import { AGENT_CREDENTIAL_DEFAULTS, type RegistrationTokenAdmin } from '#shared/security/agent-credentials.ts';
import {
  AGENT_ACCESS_VARIABLE,
  AgentCredentialError,
  type AgentCaller,
} from '#shared/security/agent-credentials-access.ts';
import { looksLikeRegistrationToken } from '#shared/security/agent-credentials-token.ts';
import { agentCallOf } from '#shared/security/agent-call.ts';
import type { SecretCipher } from '#shared/security/secret-cipher.ts';
import type { Logger } from '../runtime/logger.ts';
import { agentAccess, type AgentRequestOrigin } from './agent-access.ts';
import { createAgentCredentialIssuer, type AgentCredentialSettings } from './agent-credential-issuer.ts';
import { createRegistrationTokenRepository } from './agent-registration-tokens.ts';
import { createAgentSigningKeys } from './agent-signing-keys.ts';
import type { AuditRecorder } from './audit-recorder.ts';
import { sourceAddress } from './request-parts.ts';

export interface AgentCredentials extends RegistrationTokenAdmin {
  /**
   * The agent API's guard: authenticates the bearer credential of a call to
   * /agent/v1 and leaves what it may do in the context (AGENT_ACCESS_VARIABLE)
   * for the router to authorise against the path. Throws AgentCredentialError
   * (401) for a missing, malformed, forged, expired or replaced credential.
   */
  check(c: Context): Promise<void>;
}

export interface AgentCredentialOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly cipher: SecretCipher;
  readonly deployment: Deployment;
  readonly audit: AuditRecorder;
  readonly logger: Logger;
  readonly settings?: AgentCredentialSettings;
}

/** Registration tokens and instance credentials, assembled once by createSecurity. */
export function createAgentCredentials(options: AgentCredentialOptions): AgentCredentials {
  const { store, clock } = options;
  const keys = createAgentSigningKeys({ store, clock, cipher: options.cipher });
  const issuer = createAgentCredentialIssuer({
    store,
    clock,
    keys,
    ...(options.settings && { settings: options.settings }),
  });
  const tokens = createRegistrationTokenRepository({ store, clock });
  const deps = { ...options, issuer, tokens };

  async function authenticate(bearer: string | undefined): Promise<AgentCaller> {
    if (bearer === undefined) {
      throw new AgentCredentialError('MissingCredential', 'The agent API needs `Authorization: Bearer <credential>`');
    }
    // A registration token is only read from the table when a registration spends it.
    if (looksLikeRegistrationToken(bearer)) return { kind: 'registration-token', token: bearer };
    return { kind: 'instance', claims: await issuer.verify(bearer) };
  }

  /** Anyone can send a bad bearer: recorded under the per-source throttle. */
  function recordUnauthenticated(origin: AgentRequestOrigin, error: AgentCredentialError): Promise<void> {
    return options.audit.recordUnauthenticated({
      time: new Date(clock.now()).toISOString(),
      requestId: randomUUID(),
      principal: 'anonymous',
      sourceAddress: origin.sourceAddress,
      ...(origin.userAgent !== undefined && { userAgent: origin.userAgent }),
      action: origin.call.action,
      resources: origin.call.resources,
      outcome: 'denied',
      errorCode: error.code,
      errorMessage: error.message,
    });
  }

  return {
    async check(c) {
      const userAgent = c.req.header('user-agent');
      const origin: AgentRequestOrigin = {
        sourceAddress: sourceAddress(c),
        ...(userAgent !== undefined && { userAgent }),
        call: agentCallOf(options.deployment, c.req.method, agentPath(c.req.path)),
      };
      let caller: AgentCaller;
      try {
        caller = await authenticate(bearerOf(c.req.header('authorization')));
      } catch (error) {
        if (error instanceof AgentCredentialError) await recordUnauthenticated(origin, error);
        throw error;
      }
      c.set(AGENT_ACCESS_VARIABLE, agentAccess(deps, caller, origin));
    },

    async createRegistrationToken(request) {
      const ttlMs =
        request.ttlSeconds !== undefined ? request.ttlSeconds * 1000 : AGENT_CREDENTIAL_DEFAULTS.registrationTokenTtlMs;
      const { token, stored } = await tokens.create({
        cluster: request.cluster,
        ttlMs,
        ...(request.uses !== undefined && { uses: request.uses }),
      });
      return {
        registrationToken: token,
        cluster: stored.cluster,
        expiresAt: new Date(stored.expiresAt).toISOString(),
        uses: stored.maxUses,
      };
    },
  };
}

/** The path after `/agent/v1`, wherever the agent API is mounted. */
function agentPath(path: string): string {
  const at = path.indexOf('/agent/v1');
  return at < 0 ? path : path.slice(at + '/agent/v1'.length);
}

function bearerOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  if (!match?.[1])
    throw new AgentCredentialError('InvalidCredential', 'The Authorization header must be `Bearer <credential>`');
  return match[1];
}
