import type { DnsRecords } from '#shared/schemas/dns-view.ts';
import { DNS_ZONE } from '#shared/dns/names.ts';

/** What the zone says to one question: answers (none for a name with no data of that type), or NXDOMAIN. */
export type ZoneAnswer =
  | {
      readonly kind: 'answers';
      readonly records: readonly ZoneRecord[];
      /** The A records of the SRV answers' targets, for the additional section. */
      readonly hostRecords: readonly Extract<ZoneRecord, { type: 'A' }>[];
      readonly ttl: number;
    }
  | { readonly kind: 'nxdomain'; readonly ttl: number }
  /** Not a `.berth` name: the host's resolvers answer it. */
  | { readonly kind: 'elsewhere' };

export type ZoneRecord =
  | { readonly type: 'A'; readonly name: string; readonly address: string }
  | { readonly type: 'SRV'; readonly name: string; readonly target: string; readonly port: number };

/**
 * The `.berth` zone as the control plane last sent it (docs/networking.md,
 * "The DNS view"). Replaced whole on every change; looked up by lowercased
 * name, as DNS compares names without regard to case.
 */
export class DnsZone {
  private view: DnsRecords = { serial: 0, ttlSeconds: 2, records: [] };
  private byName = new Map<string, ZoneRecord[]>();

  /** The serial held, sent on every poll: 0 before the first view. */
  get serial(): number {
    return this.view.serial;
  }

  replace(view: DnsRecords): void {
    const byName = new Map<string, ZoneRecord[]>();
    for (const record of view.records) {
      const name = record.name.toLowerCase();
      byName.set(name, [...(byName.get(name) ?? []), record]);
    }
    this.view = view;
    this.byName = byName;
  }

  answer(name: string, type: string): ZoneAnswer {
    const wanted = name.toLowerCase().replace(/\.$/, '');
    if (wanted !== DNS_ZONE && !wanted.endsWith(`.${DNS_ZONE}`)) return { kind: 'elsewhere' };
    const ttl = this.view.ttlSeconds;
    const found = this.byName.get(wanted);
    // A name that exists only as a parent of others (`hosts.c.berth`) has no data, but exists.
    if (!found && !this.hasChildren(wanted)) return { kind: 'nxdomain', ttl };
    const records = (found ?? []).filter((r) => type === 'ANY' || r.type === type);
    const targets = new Set(records.flatMap((r) => (r.type === 'SRV' ? [r.target] : [])));
    const hostRecords = [...targets].flatMap((t) =>
      (this.byName.get(t) ?? []).flatMap((r) => (r.type === 'A' ? [r] : [])),
    );
    return { kind: 'answers', records, hostRecords, ttl };
  }

  private hasChildren(name: string): boolean {
    const suffix = `.${name}`;
    for (const known of this.byName.keys()) if (known.endsWith(suffix)) return true;
    return false;
  }
}
