import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import * as packet from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type DnsServer } from '../../../../agent/dns/server.ts';
import { DnsZone } from '../../../../agent/dns/zone.ts';
import { hostResolvers } from '../../../../agent/dns/upstream.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { askDns, dnsReply, srvTargets, type DnsReply } from '../../../support/dns-query.ts';

const silent = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} };

function srvView(tasks: number) {
  const records = [];
  for (let n = 1; n <= tasks; n++) {
    const target = `10-0-0-${n}.hosts.prod.berth`;
    records.push({ type: 'A' as const, name: 'web.prod.berth', address: `10.0.0.${n}` });
    records.push({ type: 'A' as const, name: target, address: `10.0.0.${n}` });
    records.push({ type: 'SRV' as const, name: '_web._tcp.prod.berth', target, port: 32000 + n });
  }
  return { serial: 7, ttlSeconds: 2, records };
}

/** A stand-in for the host's resolver: answers every A question with 192.0.2.1. */
async function fakeUpstream() {
  const socket = createSocket('udp4');
  socket.on('message', (query, from) => {
    const q = packet.decode(query);
    const reply = packet.encode({
      type: 'response',
      id: q.id ?? 0,
      questions: q.questions ?? [],
      answers: (q.questions ?? []).map((x) => ({ type: 'A', name: x.name, ttl: 60, data: '192.0.2.1' })),
    });
    socket.send(reply, from.port, from.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return socket;
}

function askTcp(port: number, name: string, type: packet.RecordType): Promise<DnsReply> {
  const socket = connect(port, '127.0.0.1');
  socket.write(packet.streamEncode({ type: 'query', id: 42, questions: [{ type, name }] }));
  let got = Buffer.alloc(0);
  return new Promise((resolve) => {
    socket.on('data', (chunk) => {
      got = Buffer.concat([got, chunk]);
      if (got.length >= 2 && got.length >= 2 + got.readUInt16BE(0)) {
        socket.end();
        resolve(dnsReply.parse(packet.streamDecode(got)));
      }
    });
  });
}

describe('the agent DNS server', () => {
  const zone = new DnsZone();
  let server: DnsServer;
  let upstream: Awaited<ReturnType<typeof fakeUpstream>>;

  beforeAll(async () => {
    upstream = await fakeUpstream();
    server = await startDnsServer({
      address: '127.0.0.1',
      port: 0,
      zone,
      upstreams: [{ address: '127.0.0.1', port: upstream.address().port }],
      logger: silent,
    });
  });
  afterAll(() => {
    server.close();
    upstream.close();
  });

  it('answers NXDOMAIN in the zone before any view arrives, and holds serial 0', async () => {
    expect(zone.serial).toBe(0);
    const reply = await askDns(server.port, 'web.prod.berth', 'A', { edns: false });
    expect(reply.rcode).toBe('NXDOMAIN');
    expect(reply.flag_aa).toBe(true);
  });

  it('answers A and SRV records of the view, with the targets as additionals, case-insensitively', async () => {
    zone.replace(srvView(2));
    const a = await askDns(server.port, 'WEB.Prod.berth', 'A', { edns: false });
    expect(a.rcode).toBe('NOERROR');
    expect(a.answers.map((r) => r.data).sort()).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(a.answers[0]?.ttl).toBe(2);
    const srv = await askDns(server.port, '_web._tcp.prod.berth', 'SRV', { edns: false });
    expect(srvTargets(srv)).toEqual(['10-0-0-1.hosts.prod.berth:32001', '10-0-0-2.hosts.prod.berth:32002']);
    expect(
      srv.additionals
        ?.filter((r) => r.type === 'A')
        .map((r) => r.name)
        .sort(),
    ).toEqual(['10-0-0-1.hosts.prod.berth', '10-0-0-2.hosts.prod.berth']);
  });

  it('answers NXDOMAIN for an unknown name in the zone and no data for a known name of another type', async () => {
    zone.replace(srvView(1));
    expect((await askDns(server.port, 'nope.prod.berth', 'A', { edns: false })).rcode).toBe('NXDOMAIN');
    const other = await askDns(server.port, 'web.prod.berth', 'AAAA', { edns: false });
    expect(other.rcode).toBe('NOERROR');
    expect(other.answers).toEqual([]);
  });

  it('truncates a UDP answer too large for a client without EDNS, and answers it whole over TCP or EDNS', async () => {
    zone.replace(srvView(10));
    const udp = await askDns(server.port, '_web._tcp.prod.berth', 'SRV', { edns: false });
    expect(udp.flag_tc).toBe(true);
    expect((await askDns(server.port, '_web._tcp.prod.berth', 'SRV')).answers).toHaveLength(10);
    expect((await askTcp(server.port, '_web._tcp.prod.berth', 'SRV')).answers).toHaveLength(10);
  });

  it('forwards names outside the zone to the upstream resolvers, over UDP and TCP', async () => {
    const udp = await askDns(server.port, 'example.com', 'A', { edns: false });
    expect(udp.answers[0]?.data).toBe('192.0.2.1');
    const tcp = await askTcp(server.port, 'example.org', 'A');
    expect(tcp.answers[0]?.data).toBe('192.0.2.1');
  });
});

describe('hostResolvers', () => {
  it('reads the nameservers of resolv.conf, skipping what is not an address', () => {
    const dir = mkdtempSync(join(tmpdir(), 'resolv-'));
    const path = join(dir, 'resolv.conf');
    writeFileSync(path, '# comment\nnameserver 127.0.0.53\nnameserver bogus\nsearch example.com\nnameserver ::1\n');
    expect(hostResolvers(path)).toEqual([
      { address: '127.0.0.53', port: 53 },
      { address: '::1', port: 53 },
    ]);
    expect(hostResolvers(join(dir, 'missing'))).toEqual([]);
  });
});
