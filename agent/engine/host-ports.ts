import type { HostPortChoice } from '#shared/agent/container-config.ts';
import type { AgentTask } from '#shared/agent/task-model.ts';
import { pickHostPorts, type PortRange } from '#shared/agent/port-picker.ts';

export interface HostPortAllocatorOptions {
  readonly range: PortRange;
  readonly reservedTcp: readonly number[];
  readonly reservedUdp: readonly number[];
  readonly random: () => number;
  readonly isFree: (port: number, protocol: 'tcp' | 'udp') => Promise<boolean>;
}

/** Candidates tried per mapping before giving up on a busy host. */
const ATTEMPTS = 20;
/**
 * How long a port handed out stays off limits by itself; by then its
 * container exists and the agent's records hold the port.
 */
const CLAIM_MS = 60_000;

/**
 * Hands out host ports for dynamic mappings: never a reserved one, never one
 * the agent's own containers hold or were just given, never one bound on the
 * host right now.
 */
export class HostPortAllocator {
  private readonly options: HostPortAllocatorOptions;
  /** Ports handed out recently, whose containers may not be recorded yet, with when the claim lapses. */
  private readonly claims = { tcp: new Map<number, number>(), udp: new Map<number, number>() };

  constructor(options: HostPortAllocatorOptions) {
    this.options = options;
  }

  async allocate(
    mappings: readonly { containerPort: number; protocol: 'tcp' | 'udp' }[],
    held: { readonly tcp: ReadonlySet<number>; readonly udp: ReadonlySet<number> },
  ): Promise<HostPortChoice[] | undefined> {
    const choices: HostPortChoice[] = [];
    for (const mapping of mappings) {
      const port = await this.one(mapping.protocol, held[mapping.protocol]);
      if (port === undefined) {
        this.release(choices);
        return undefined;
      }
      this.claims[mapping.protocol].set(port, Date.now() + CLAIM_MS);
      choices.push({ ...mapping, hostPort: port });
    }
    return choices;
  }

  /** Ports whose container was never created are free again at once. */
  release(choices: readonly HostPortChoice[]): void {
    for (const c of choices) this.claims[c.protocol].delete(c.hostPort);
  }

  private async one(protocol: 'tcp' | 'udp', held: ReadonlySet<number>): Promise<number | undefined> {
    const claims = this.claims[protocol];
    const now = Date.now();
    for (const [port, until] of claims) if (until <= now) claims.delete(port);
    const reserved = protocol === 'tcp' ? this.options.reservedTcp : this.options.reservedUdp;
    const taken = new Set([...reserved, ...held, ...claims.keys()]);
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const [port] = pickHostPorts(1, this.options.range, taken, this.options.random) ?? [];
      if (port === undefined) return undefined;
      if (await this.options.isFree(port, protocol)) return port;
      taken.add(port);
    }
    return undefined;
  }
}

/** Host ports the agent's live containers hold or will hold, by protocol. */
export function portsHeld(tasks: readonly AgentTask[]): { tcp: Set<number>; udp: Set<number> } {
  const held = { tcp: new Set<number>(), udp: new Set<number>() };
  for (const task of tasks) {
    if (task.status === 'STOPPED') continue;
    for (const c of task.containers) {
      if (c.status === 'STOPPED') continue;
      for (const p of c.hostPorts) held[p.protocol].add(p.hostPort);
      for (const b of c.networkBindings) if (b.hostPort) held[b.protocol ?? 'tcp'].add(b.hostPort);
      const definition = task.spec?.containerDefinitions.find((d) => d.name === c.name);
      for (const m of definition?.portMappings ?? []) if (m.hostPort) held[m.protocol ?? 'tcp'].add(m.hostPort);
    }
  }
  return held;
}
