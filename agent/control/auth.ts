import type { StoredCredential } from '../state/state-dir.ts';

/**
 * How the agent proves who it is to the control plane: a bearer secret on
 * every request. The registration token it was started with registers the
 * instance; the answer brings an instance credential, which then goes on
 * every call and is exchanged for a new one before it expires.
 */
export interface RequestToSign {
  readonly method: string;
  readonly url: string;
  readonly body: string | undefined;
}

export interface AgentAuth {
  headers(request: RequestToSign): Promise<Record<string, string>>;
}

/** What a registration is sent with: a bearer secret, or nothing (a control plane that asks for none). */
export type RegistrationBearer = string | undefined;

/**
 * The agent's two secrets. The registration token is forgotten once a
 * registration has spent it (or the control plane refused it): it is
 * single-use, and a secret not held cannot leak.
 */
export class AgentCredentials implements AgentAuth {
  private credential: StoredCredential | undefined;
  private registrationToken: string | undefined;

  constructor(registrationToken: string | undefined) {
    this.registrationToken = registrationToken === '' ? undefined : registrationToken;
  }

  get current(): StoredCredential | undefined {
    return this.credential;
  }

  get hasRegistrationToken(): boolean {
    return this.registrationToken !== undefined;
  }

  set(credential: StoredCredential | undefined): void {
    this.credential = credential;
  }

  /** The registration token is spent or refused; never send it again. */
  dropRegistrationToken(): void {
    this.registrationToken = undefined;
  }

  isRegistrationToken(bearer: RegistrationBearer): boolean {
    return bearer !== undefined && bearer === this.registrationToken;
  }

  /**
   * What to register with, best first: the instance credential when
   * re-attaching with one still valid, then the registration token. Empty
   * when the agent holds neither.
   */
  registrationBearers(reattaching: boolean, now: number): RegistrationBearer[] {
    const bearers: RegistrationBearer[] = [];
    if (reattaching && this.credential && now < this.credential.expiresAt) bearers.push(this.credential.token);
    if (this.registrationToken !== undefined) bearers.push(this.registrationToken);
    return bearers;
  }

  /** Less than a third of the credential's lifetime is left: exchange it now, with time to retry. */
  rotationDue(now: number): boolean {
    const credential = this.credential;
    if (!credential) return false;
    const lifetime = credential.expiresAt - credential.issuedAt;
    return now >= credential.expiresAt - lifetime / 3;
  }

  async headers(): Promise<Record<string, string>> {
    const bearer = this.credential?.token ?? this.registrationToken;
    return bearer ? { authorization: `Bearer ${bearer}` } : {};
  }
}
