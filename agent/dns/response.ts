import * as packet from 'dns-packet';
import type { ZoneAnswer } from './zone.ts';

const NXDOMAIN = 3;
/** The classic limit of a UDP answer, for clients that do not say they take more (EDNS0). */
const CLASSIC_UDP_BYTES = 512;

/**
 * The reply to a question in the `.berth` zone: authoritative, with the
 * hosts' A records as additionals for SRV answers (so a proxy needs no second
 * query). A UDP reply larger than the client takes goes without additionals,
 * and if still too large, truncated (TC), so the client asks again over TCP.
 */
export function respond(
  query: packet.Packet,
  question: packet.Question,
  found: Exclude<ZoneAnswer, { kind: 'elsewhere' }>,
  transport: 'udp' | 'tcp',
): Buffer {
  const recursion = (query.flags ?? 0) & packet.RECURSION_DESIRED;
  const base = {
    type: 'response' as const,
    id: query.id ?? 0,
    questions: [question],
    flags: packet.AUTHORITATIVE_ANSWER | recursion | packet.RECURSION_AVAILABLE,
  };
  if (found.kind === 'nxdomain') {
    return packet.encode({ ...base, flags: base.flags | NXDOMAIN, authorities: [] });
  }
  const ttl = found.ttl;
  const answers: packet.Answer[] = found.records.map((r) =>
    r.type === 'A'
      ? { type: 'A', name: r.name, ttl, class: 'IN', data: r.address }
      : {
          type: 'SRV',
          name: r.name,
          ttl,
          class: 'IN',
          data: { priority: 0, weight: 1, port: r.port, target: r.target },
        },
  );
  const full = packet.encode({ ...base, answers, additionals: [...hostsOf(found), ...ednsOf(query)] });
  if (transport === 'tcp' || full.length <= limitOf(query)) return full;
  const lean = packet.encode({ ...base, answers, additionals: ednsOf(query) });
  if (lean.length <= limitOf(query)) return lean;
  return packet.encode({
    ...base,
    flags: base.flags | packet.TRUNCATED_RESPONSE,
    answers: [],
    additionals: ednsOf(query),
  });
}

/** The A records of SRV targets, known from the answer's own records' names. */
function hostsOf(found: Extract<ZoneAnswer, { kind: 'answers' }>): packet.Answer[] {
  return found.hostRecords.map((r) => ({ type: 'A', name: r.name, ttl: found.ttl, class: 'IN', data: r.address }));
}

function ednsOf(query: packet.Packet): packet.Answer[] {
  const asked = (query.additionals ?? []).some((a) => a.type === 'OPT');
  return asked ? [ednsOption(4096)] : [];
}

function limitOf(query: packet.Packet): number {
  const opt = (query.additionals ?? []).find((a): a is packet.OptAnswer => a.type === 'OPT');
  const size = opt?.udpPayloadSize ?? 0;
  return Math.max(CLASSIC_UDP_BYTES, size);
}

/** An EDNS0 OPT record offering UDP answers of up to `udpPayloadSize` bytes. */
export function ednsOption(udpPayloadSize: number): packet.OptAnswer {
  return {
    type: 'OPT',
    name: '.',
    udpPayloadSize,
    extendedRcode: 0,
    ednsVersion: 0,
    flags: 0,
    flag_do: false,
    options: [],
  };
}
