import { VersionConflictError } from '../../shared/domain/errors.ts';
import type { Clock } from '../../shared/ports/clock.ts';
import type { Store } from '../../shared/ports/store.ts';
import { signatureClaims } from '../../shared/security/collections.ts';
import type { SignatureClaim } from '../../shared/security/sigv4/read-signature.ts';

/**
 * A signed request is valid for minutes, so a captured one could be sent
 * again within that window. Each accepted mutating request claims its
 * signature with a conditional create; a second claim of the same signature
 * fails and the request is refused. The claim outlives the signature's own
 * validity (the table's TTL then removes it), so a replay is refused either
 * as a replay or as expired, never accepted.
 */
export interface ReplayGuard {
  /** True the first time a signature is claimed, false ever after. */
  claim(claim: SignatureClaim): Promise<boolean>;
}

/** Kept this long past the signature's validity, against clock differences between Lambda instances. */
const MARGIN_MS = 10 * 60_000;

export function createReplayGuard(options: { store: Store; clock: Clock }): ReplayGuard {
  const { store, clock } = options;
  return {
    async claim(claim) {
      try {
        await store.create(
          signatureClaims,
          { signature: claim.signature, accessKeyId: claim.accessKeyId, claimedAt: clock.now() },
          { expiresAt: Math.ceil((claim.validUntil + MARGIN_MS) / 1000) },
        );
        return true;
      } catch (error) {
        if (error instanceof VersionConflictError) return false;
        throw error;
      }
    },
  };
}
