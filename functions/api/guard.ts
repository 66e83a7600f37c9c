import type { Context } from 'hono';

/**
 * The seam where authentication and authorisation plug in: every ECS call
 * passes through `checkEcs` with its operation name before it runs, and every
 * agent call through `checkAgent`. A guard throws to refuse. `checkEcs`
 * authenticates and authorises in one step from the raw body; routers that
 * validate first use `admit`, which also lets them audit the outcome.
 */
export interface RequestGuard {
  checkEcs(c: Context, operation: string, body: Uint8Array): Promise<void>;
  checkAgent(c: Context): Promise<void>;
  /**
   * The finer path: authenticates a call before its body is parsed and
   * returns the admission through which the router authorises the validated
   * input and reports the outcome (the audit log). Throws to refuse.
   */
  admit(c: Context, call: GuardedCall): Promise<Admission>;
}

export interface GuardedCall {
  /** `ecs:RunTask`, `berth:CreateAccessKey`: the action policies name. */
  readonly action: string;
  /** The body exactly as received: the signature covers these bytes. */
  readonly body: Uint8Array;
  /** The id the response carries, so audit records match responses. */
  readonly requestId: string;
}

/** An authenticated call, not yet authorised. */
export interface Admission {
  /** Authorises the call for its validated input; throws a GuardRefusal to refuse. */
  authorize(input: unknown): Promise<void>;
  /** Reports how the call ended (pass the error it failed with); never throws. */
  settle(error?: unknown): Promise<void>;
}

/** A refusal by the guard, carried as the AWS error it answers with. */
export class GuardRefusal extends Error {
  override readonly name = 'GuardRefusal';
  readonly type: string;
  readonly status: 400 | 403;
  constructor(shape: { readonly type: string; readonly status: 400 | 403; readonly message: string }) {
    super(shape.message);
    this.type = shape.type;
    this.status = shape.status;
  }
}

const openAdmission: Admission = { authorize: async () => {}, settle: async () => {} };

/** Admits everything: the default until signing and policies are configured. */
export const openGuard: RequestGuard = {
  checkEcs: async () => {},
  checkAgent: async () => {},
  admit: async () => openAdmission,
};
