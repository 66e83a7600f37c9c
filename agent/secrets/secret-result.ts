/**
 * The results the secret sources hand the resolver. They sit apart from
 * secret-resolver.ts because the resolver imports its sources and the sources
 * build these results: one file each way would tie the three in a cycle.
 */

/** unavailable means "try again later" (network, throttling); rejected will not change by retrying. */
export type SecretFailure = { readonly kind: 'unavailable' | 'rejected'; readonly message: string };

/** A value from one source. */
export type SourceResult =
  { readonly ok: true; readonly value: string } | { readonly ok: false; readonly failure: SecretFailure };

export function failed(kind: SecretFailure['kind'], message: string): { ok: false; failure: SecretFailure } {
  return { ok: false, failure: { kind, message } };
}
