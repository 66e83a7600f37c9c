import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import * as packet from 'dns-packet';
import * as z from 'zod';
import { ednsOption } from '../../agent/dns/response.ts';

const record = z.object({
  type: z.string(),
  name: z.string(),
  ttl: z.number().optional(),
  data: z.unknown().optional(),
});
/** The parts of a decoded reply tests read (dns-packet's types leave rcode out). */
export const dnsReply = z.object({
  rcode: z.string(),
  flag_aa: z.boolean(),
  flag_tc: z.boolean(),
  answers: z.array(record),
  additionals: z.array(record),
});
export type DnsReply = z.infer<typeof dnsReply>;
const srvData = z.object({ target: z.string(), port: z.number() });

/** One question over UDP (with EDNS0, as proxies ask); rejects after `timeoutMs` without a reply. */
export function askDns(
  port: number,
  name: string,
  type: packet.RecordType,
  options: { address?: string; edns?: boolean; timeoutMs?: number } = {},
): Promise<DnsReply> {
  const socket = createSocket('udp4');
  const query = packet.encode({
    type: 'query',
    id: Math.floor(Math.random() * 65535),
    flags: packet.RECURSION_DESIRED,
    questions: [{ type, name }],
    ...(options.edns !== false && { additionals: [ednsOption(4096)] }),
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error(`no DNS answer for ${name} from port ${port}`));
    }, options.timeoutMs ?? 2_000);
    socket.on('message', (answer) => {
      clearTimeout(timer);
      socket.close();
      resolve(dnsReply.parse(packet.decode(answer)));
    });
    socket.send(query, port, options.address ?? '127.0.0.1');
  });
}

/** `target:port` of each SRV answer, sorted. */
export function srvTargets(reply: DnsReply): string[] {
  return reply.answers
    .filter((r) => r.type === 'SRV')
    .map((r) => srvData.parse(r.data))
    .map((d) => `${d.target}:${d.port}`)
    .sort();
}

/** A port free on loopback for TCP (and, in practice, UDP) at the moment of asking. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
