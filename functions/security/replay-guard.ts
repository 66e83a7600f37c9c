import type { Clock } from '#shared/ports/clock.ts';
import type { Store } from '#shared/ports/store.ts';
import { signatureClaims } from '#shared/security/collections.ts';
import type { SignatureClaim } from '#shared/security/sigv4/read-signature.ts';
import { signsPerCallId } from '#shared/security/sigv4/replay-protection.ts';

/**
 * A signed request is valid for minutes, so a captured one could be sent
 * again within that window. An accepted mutating request whose signature
 * covers a per-call id (`amz-sdk-invocation-id`) claims its signature with a
 * conditional create; a second claim of the same signature fails and the
 * request is refused. The claim outlives the signature's own validity (the
 * table's TTL then removes it), so such a replay is refused either as a
 * replay or as expired, never accepted.
 *
 * A signature without a per-call id is not claimed: two identical calls in
 * the same second sign identically (botocore, the AWS CLI), and AWS runs
 * both, so a second use cannot be told from a legitimate call. Those rely
 * on TLS, the 5-minute window and idempotency (see docs/security.md).
 */
export interface ReplayGuard {
  /** False when this signature, covering a per-call id, was claimed before; true otherwise. */
  claim(claim: SignatureClaim): Promise<boolean>;
}

/** Kept this long past the signature's validity, against clock differences between Lambda instances. */
const MARGIN_MS = 10 * 60_000;

export function createReplayGuard(options: { store: Store; clock: Clock }): ReplayGuard {
  const { store, clock } = options;
  return {
    async claim(claim) {
      if (!signsPerCallId(claim.signedHeaders)) return true;
      // A claim already there is a replay: the signature was used before.
      const outcome = await store.tryCreate(
        signatureClaims,
        { signature: claim.signature, accessKeyId: claim.accessKeyId, claimedAt: clock.now() },
        { expiresAt: Math.ceil((claim.validUntil + MARGIN_MS) / 1000) },
      );
      return outcome.written;
    },
  };
}
