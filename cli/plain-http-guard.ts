import { isLoopbackHost } from '#shared/security/loopback-host.ts';

/**
 * The `berth` CLI never puts key material on a network in clear text unless
 * told to: over plain HTTP, anyone on the path reads a new secret access key
 * as it comes back, a secret's value as it goes out, or a registration
 * token. Loopback never leaves the host, so dev mode's http://127.0.0.1
 * needs no flag; any other http:// endpoint needs --allow-insecure-http.
 * Signatures themselves never carry the secret key; this is about what the
 * requests and answers of these commands contain.
 */
export const ALLOW_INSECURE_HTTP_FLAG = '--allow-insecure-http';

/** What key material the command sends or receives, in a few words; undefined when it handles none. */
export function keyMaterialOf(command: string, positionals: readonly string[]): string | undefined {
  const verb = positionals[0];
  if (command === 'keys' && (verb === 'create' || verb === 'rotate')) return 'a new secret access key';
  if (command === 'secrets' && verb === 'put') return "a secret's value";
  if (command === 'agents' && verb === 'token') return 'an agent registration token';
  return undefined;
}

/** Why the call must not go, or undefined when it may. */
export function plainHttpRefusal(endpoint: string, material: string | undefined, allowed: boolean): string | undefined {
  if (material === undefined || allowed) return undefined;
  const url = new URL(endpoint);
  if (url.protocol !== 'http:' || isLoopbackHost(url.hostname)) return undefined;
  return (
    `refusing to send or receive ${material} over plain HTTP to ${url.host}: anyone on the network could read it. ` +
    `Use an https:// endpoint, or add ${ALLOW_INSECURE_HTTP_FLAG} if this network is yours alone.`
  );
}
