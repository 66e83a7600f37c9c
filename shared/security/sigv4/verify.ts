import { messages, refuse, type Refusal } from '../refusal.ts';
import { hmac, signaturesEqual, signingKey } from './crypto.ts';
import type { SignatureClaim } from './read-signature.ts';

export type SignatureCheck = { readonly ok: true } | { readonly ok: false; readonly refusal: Refusal };

/** The last step: the HMAC of the claim's string to sign under the key's secret, compared in constant time. */
export function checkSignature(claim: SignatureClaim, secret: string): SignatureCheck {
  const key = signingKey(secret, claim.day, claim.region, claim.service);
  const expected = hmac(key, claim.stringToSign).toString('hex');
  return signaturesEqual(expected, claim.signature) ? { ok: true } : refuse('signature-mismatch', messages.mismatch);
}
