import { AgentError, BerthError } from '../domain/errors.ts';
import type { CredentialGrant } from './agent-credentials.ts';
import type { CredentialClaims } from './agent-credentials-token.ts';

/**
 * What an authenticated agent call may do, handed by the guard to the agent
 * router for the one request (the router never sees a bearer secret).
 * Authentication answers 401 (`AgentCredentialError`); a credential used
 * for another instance or cluster answers 403 (`AgentError` AccessDenied).
 */
/** The hono context variable the guard leaves an AgentAccess in. */
export const AGENT_ACCESS_VARIABLE = 'berthAgentAccess';

export type AgentCaller =
  | { readonly kind: 'instance'; readonly claims: CredentialClaims }
  | { readonly kind: 'registration-token'; readonly token: string };

export interface AgentAccess {
  readonly caller: AgentCaller;
  /** Throws unless the caller holds the credential of this instance in this cluster. */
  authorizeInstance(cluster: string, instanceId: string): void;
  /** The instance the caller's credential names, after checking its cluster. */
  instanceFor(cluster: string): string;
  /**
   * Admits a registration: a registration token for this cluster (consumed
   * here), or the credential of the instance re-attaching. Throws to refuse.
   */
  admitRegistration(cluster: string, instanceId: string | undefined): Promise<RegistrationAdmission>;
  /** Exchanges the caller's credential for a new one. */
  rotate(cluster: string, instanceId: string): Promise<CredentialGrant>;
  /**
   * Records the error a call ended with when it is a refusal (401, 403): a
   * credential used for another instance or cluster, a task of another
   * instance. Refusals recorded already are not recorded again. Never throws.
   */
  refused(error: unknown): Promise<void>;
}

export interface RegistrationAdmission {
  /** The registered instance's new credential; call once the instance item is written. */
  issue(instanceId: string): Promise<CredentialGrant>;
}

export type AgentCredentialProblem =
  | 'MissingCredential'
  | 'InvalidCredential'
  | 'ExpiredCredential'
  | 'SupersededCredential'
  | 'InvalidRegistrationToken'
  | 'CredentialRequired';

/** The caller is not authenticated: HTTP 401. */
export class AgentCredentialError extends BerthError {
  override readonly name = 'AgentCredentialError';
  readonly code: AgentCredentialProblem;
  readonly status = 401;
  constructor(code: AgentCredentialProblem, message: string) {
    super(message, { code });
    this.code = code;
  }
}

/** The caller's claims, for calls only an instance credential may make. */
export function instanceClaims(caller: AgentCaller): CredentialClaims {
  if (caller.kind === 'instance') return caller.claims;
  throw new AgentCredentialError(
    'CredentialRequired',
    'A registration token only registers an instance; present the instance credential it was answered with',
  );
}

/** X's credential acts for X only: another instance or cluster is refused, whatever the request says. */
export function authorizeClaims(claims: CredentialClaims, cluster: string, instanceId: string | undefined): void {
  if (claims.cluster !== cluster) {
    throw new AgentError(403, 'AccessDenied', `The credential is for cluster ${claims.cluster}, not ${cluster}`);
  }
  if (instanceId !== undefined && claims.instanceId !== instanceId) {
    throw new AgentError(
      403,
      'AccessDenied',
      `The credential of container instance ${claims.instanceId} cannot act for container instance ${instanceId}`,
    );
  }
}
