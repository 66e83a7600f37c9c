import type { Socket } from 'node:dgram';
import { udpSocket } from '../net/builtins.ts';
import { createServer, type Server, type Socket as TcpSocket } from 'node:net';
import * as packet from 'dns-packet';
import type { AgentLogger } from '../log.ts';
import { forward, type Resolver } from './upstream.ts';
import { respond } from './response.ts';
import type { DnsZone } from './zone.ts';

export interface DnsServerOptions {
  readonly address: string;
  /** 53 for containers (resolv.conf names no port); 0 picks a free one (tests). */
  readonly port: number;
  readonly zone: DnsZone;
  /** Where every name outside `.berth` goes: the host's resolvers. */
  readonly upstreams: readonly Resolver[];
  readonly logger: AgentLogger;
}

export interface DnsServer {
  /** The port bound, UDP and TCP alike. */
  readonly port: number;
  close(): void;
}

/**
 * The agent's DNS server: the `.berth` zone from the records the control
 * plane sent, everything else forwarded to the host's resolvers, over UDP
 * and TCP on one address and port.
 */
export async function startDnsServer(options: DnsServerOptions): Promise<DnsServer> {
  const udp = udpSocket(options.address.includes(':') ? 'udp6' : 'udp4');
  await new Promise<void>((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(options.port, options.address, () => {
      udp.off('error', reject);
      resolve();
    });
  });
  const port = udp.address().port;
  udp.on('message', (query, from) => {
    void answer(query, options, 'udp').then((reply) => reply && udp.send(reply, from.port, from.address));
  });
  udp.on('error', (error) => options.logger.warn('The DNS server failed on a datagram', { error: error.message }));
  const tcp = createServer((socket) => serveStream(socket, options));
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(port, options.address, () => {
      tcp.off('error', reject);
      resolve();
    });
  });
  options.logger.info('DNS server listening', { address: options.address, port });
  return { port, close: () => closeBoth(udp, tcp) };
}

/** A reply to one query, or undefined to stay silent (a packet that is no query, an upstream that never answered). */
async function answer(query: Buffer, options: DnsServerOptions, transport: 'udp' | 'tcp'): Promise<Buffer | undefined> {
  let decoded: packet.Packet;
  try {
    decoded = packet.decode(query);
  } catch {
    return undefined;
  }
  const [question] = decoded.questions ?? [];
  if (decoded.type !== 'query' || !question) return undefined;
  const found = options.zone.answer(question.name, question.type);
  if (found.kind === 'elsewhere') return forward(query, options.upstreams);
  return respond(decoded, question, found, transport);
}

/** DNS over TCP: each message prefixed with its length, any number on one connection. */
function serveStream(socket: TcpSocket, options: DnsServerOptions): void {
  let buffered = Buffer.alloc(0);
  socket.on('error', () => socket.destroy());
  socket.setTimeout(10_000, () => socket.destroy());
  socket.on('data', (chunk) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
      const length = buffered.readUInt16BE(0);
      const query = buffered.subarray(2, 2 + length);
      buffered = buffered.subarray(2 + length);
      void answer(Buffer.from(query), options, 'tcp').then((reply) => {
        if (!reply || socket.destroyed) return;
        const prefix = Buffer.alloc(2);
        prefix.writeUInt16BE(reply.length);
        socket.write(Buffer.concat([prefix, reply]));
      });
    }
  });
}

function closeBoth(udp: Socket, tcp: Server): void {
  udp.close();
  tcp.close();
}
