import { isLoopbackHost } from '#shared/security/loopback-host.ts';

export const ALLOW_INSECURE_HTTP_FLAG = '--allow-insecure-http';

/**
 * Why berth-agent must not use this endpoint, or undefined when it may. The
 * agent sends its registration token and then its instance credential on
 * every call, so plain HTTP is refused unless the endpoint is loopback (dev
 * mode) or the operator says the network is theirs alone. The wording
 * follows the `berth` CLI's refusal (cli/plain-http-guard.ts).
 */
export function insecureEndpointRefusal(endpoint: string, allowInsecureHttp: boolean): string | undefined {
  const url = new URL(endpoint);
  if (url.protocol !== 'http:' || allowInsecureHttp || isLoopbackHost(url.hostname)) return undefined;
  return (
    `refusing to send the registration token and instance credentials over plain HTTP to ${url.host}: ` +
    `anyone on the network could read them. Use an https:// endpoint, or add ${ALLOW_INSECURE_HTTP_FLAG} ` +
    'if this network is yours alone.'
  );
}
