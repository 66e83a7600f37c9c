import { udpSocket } from '../net/builtins.ts';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';

/**
 * The host's resolvers, from resolv.conf. A loopback resolver (systemd's
 * 127.0.0.53) is fine: the agent runs on the host and forwards from there.
 */
export interface Resolver {
  readonly address: string;
  readonly port: number;
}

export function hostResolvers(path = '/etc/resolv.conf'): Resolver[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([keyword, address]) => keyword === 'nameserver' && address !== undefined && isIP(address) !== 0)
    .map(([, address]) => ({ address: address ?? '', port: 53 }));
}

const UPSTREAM_TIMEOUT_MS = 2_000;

/**
 * Sends a query as it came to each resolver in turn over UDP and answers the
 * first reply; undefined when none answers in time (the client then retries,
 * as resolvers do). Truncated replies go back as they are: the client retries
 * over TCP, which the server forwards the same way.
 */
export async function forward(query: Buffer, resolvers: readonly Resolver[]): Promise<Buffer | undefined> {
  for (const resolver of resolvers) {
    const reply = await askOne(query, resolver).catch(() => undefined);
    if (reply) return reply;
  }
  return undefined;
}

function askOne(query: Buffer, resolver: Resolver): Promise<Buffer | undefined> {
  const socket = udpSocket(isIP(resolver.address) === 6 ? 'udp6' : 'udp4');
  return new Promise<Buffer | undefined>((resolve, reject) => {
    const done = (reply: Buffer | undefined) => {
      clearTimeout(timer);
      socket.close();
      resolve(reply);
    };
    const timer = setTimeout(() => done(undefined), UPSTREAM_TIMEOUT_MS);
    socket.on('error', (error) => {
      clearTimeout(timer);
      socket.close();
      reject(error);
    });
    // Only the reply to this query's id counts.
    socket.on('message', (reply) => {
      if (reply.length >= 2 && reply.readUInt16BE(0) === query.readUInt16BE(0)) done(reply);
    });
    socket.send(query, resolver.port, resolver.address);
  });
}
