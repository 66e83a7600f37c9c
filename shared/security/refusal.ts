/**
 * Why Berth refused a request, as a value. Every refusal becomes one of the
 * error types AWS services answer with, so the SDKs and the CLI name it the
 * way they would for AWS itself.
 */
export type RefusalKind =
  /** No Authorization header and no signed query string. */
  | 'missing'
  /** The signature's parts cannot be read. */
  | 'malformed'
  /** The access key is not Berth's, or is disabled, or carries a session token. */
  | 'unknown-key'
  /** The credential scope names another region, service or day. */
  | 'wrong-scope'
  | 'expired'
  | 'not-yet-valid'
  /** The client's `x-amz-content-sha256` is not the hash of the body received. */
  | 'body-hash-mismatch'
  | 'signature-mismatch'
  /** A mutating request whose signature was already used once. */
  | 'replayed'
  /** Authenticated, but no policy allows it or one denies it. */
  | 'denied';

export interface Refusal {
  readonly kind: RefusalKind;
  readonly message: string;
}

export interface RefusalResponse {
  readonly type: string;
  readonly status: 400 | 403;
  readonly message: string;
}

const types: Record<RefusalKind, Omit<RefusalResponse, 'message'>> = {
  missing: { type: 'MissingAuthenticationTokenException', status: 403 },
  malformed: { type: 'IncompleteSignatureException', status: 400 },
  'unknown-key': { type: 'UnrecognizedClientException', status: 403 },
  'wrong-scope': { type: 'InvalidSignatureException', status: 403 },
  expired: { type: 'InvalidSignatureException', status: 403 },
  'not-yet-valid': { type: 'InvalidSignatureException', status: 403 },
  'body-hash-mismatch': { type: 'InvalidSignatureException', status: 403 },
  'signature-mismatch': { type: 'InvalidSignatureException', status: 403 },
  replayed: { type: 'InvalidSignatureException', status: 403 },
  denied: { type: 'AccessDeniedException', status: 403 },
};

export function refusalResponse(refusal: Refusal): RefusalResponse {
  return { ...types[refusal.kind], message: refusal.message };
}

export function refuse(kind: RefusalKind, message: string): { readonly ok: false; readonly refusal: Refusal } {
  return { ok: false, refusal: { kind, message } };
}

export const messages = {
  missing: 'Missing Authentication Token',
  unknownKey: 'The security token included in the request is invalid.',
  mismatch:
    'The request signature we calculated does not match the signature you provided. Check your Secret Access Key and signing method.',
} as const;
