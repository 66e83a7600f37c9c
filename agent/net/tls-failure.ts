/**
 * Node's error codes for a server certificate that does not verify. Retrying
 * cannot fix these (unlike a refused connection or a timeout), so the agent
 * stops with a message that says what to do instead of waiting for ever.
 */
const UNTRUSTED_CERTIFICATE_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** What to tell the operator when `error` is a certificate that did not verify; undefined for any other error. */
export function untrustedCertificate(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
  if (code === undefined || !UNTRUSTED_CERTIFICATE_CODES.has(code)) return undefined;
  const detail = error instanceof Error ? error.message : code;
  return (
    `the control plane's TLS certificate is not trusted (${detail}). ` +
    'If it is signed by a private CA, pass that CA with --ca-file FILE.'
  );
}
