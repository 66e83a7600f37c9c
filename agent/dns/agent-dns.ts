import type { AgentLogger } from '../log.ts';
import { startDnsServer, type DnsServer } from './server.ts';
import { hostResolvers } from './upstream.ts';
import { DnsZone } from './zone.ts';

export const DNS_PORT = 53;

export interface AgentDns {
  readonly zone: DnsZone;
  readonly server: DnsServer;
  /** What task containers get as their resolver: the server, when it is on the port resolv.conf implies. */
  readonly containerResolvers: readonly string[] | undefined;
}

/** The agent's part of the DNS view: the zone the polls fill and the server answering from it. */
export async function startAgentDns(
  options: { readonly address: string; readonly port?: number },
  logger: AgentLogger,
): Promise<AgentDns> {
  const zone = new DnsZone();
  const port = options.port ?? DNS_PORT;
  const server = await startDnsServer({ address: options.address, port, zone, upstreams: hostResolvers(), logger });
  return { zone, server, containerResolvers: port === DNS_PORT ? [options.address] : undefined };
}
