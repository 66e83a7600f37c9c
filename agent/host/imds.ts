import { httpRequest } from '../net/http-request.ts';

/**
 * The EC2 instance metadata service, version 2 (a session token first, then
 * the reads). Off EC2 nothing answers at 169.254.169.254, so every call has
 * a short timeout and any failure means "not on EC2".
 */
export interface Ec2Identity {
  readonly instanceId: string;
  readonly instanceType: string;
  readonly availabilityZone: string;
  readonly amiId?: string;
  /** The primary private IPv4 address: what other hosts in the VPC reach it at. */
  readonly privateIpv4?: string;
}

export const DEFAULT_IMDS_ENDPOINT = 'http://169.254.169.254';

/** Reads one metadata path (undefined when absent or empty); rejects on a transport failure or timeout. */
export type ImdsRead = (path: string) => Promise<string | undefined>;

/** An IMDSv2 session: the token PUT, then reads with it; undefined when the service refuses a token. */
export async function openImdsSession(
  endpoint: string,
  timeoutMs: number,
  tokenTtlSeconds = 60,
): Promise<ImdsRead | undefined> {
  const base = endpoint.replace(/\/+$/, '');
  const tokenResponse = await httpRequest(`${base}/latest/api/token`, {
    method: 'PUT',
    headers: { 'x-aws-ec2-metadata-token-ttl-seconds': String(tokenTtlSeconds) },
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!tokenResponse.ok) return undefined;
  const token = tokenResponse.body;
  return async (path) => {
    const response = await httpRequest(`${base}/latest/meta-data/${path}`, {
      headers: { 'x-aws-ec2-metadata-token': token },
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = response.body.trim();
    return response.ok && text !== '' ? text : undefined;
  };
}

export async function readEc2Identity(endpoint: string, timeoutMs = 1_000): Promise<Ec2Identity | undefined> {
  try {
    const read = await openImdsSession(endpoint, timeoutMs);
    if (!read) return undefined;
    const [instanceId, instanceType, availabilityZone, amiId, privateIpv4] = await Promise.all([
      read('instance-id'),
      read('instance-type'),
      read('placement/availability-zone'),
      read('ami-id'),
      read('local-ipv4'),
    ]);
    if (!instanceId || !instanceType || !availabilityZone) return undefined;
    return {
      instanceId,
      instanceType,
      availabilityZone,
      ...(amiId ? { amiId } : {}),
      ...(privateIpv4 ? { privateIpv4 } : {}),
    };
  } catch {
    return undefined;
  }
}
