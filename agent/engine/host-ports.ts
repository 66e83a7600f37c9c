import type { HostPortChoice } from '../../shared/agent/container-config.ts';
import type { AgentTask } from '../../shared/agent/task-model.ts';
import { pickHostPorts, type PortRange } from '../../shared/agent/port-picker.ts';

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
 * Hands out host ports for dynamic mappings: never a reserved one, never one
 * the agent's own containers hold or were just given, never one bound on the
 * host right now.
 */
export class HostPortAllocator {
  private readonly options: HostPortAllocatorOptions;
  /** Ports handed out whose containers may not exist yet. */
  private readonly recent = { tcp: new Set<number>(), udp: new Set<number>() };

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
      if (port === undefined) return undefined;
      this.recent[mapping.protocol].add(port);
      choices.push({ ...mapping, hostPort: port });
    }
    return choices;
  }

  /** The container that was given these ports now holds them (or never will). */
  release(choices: readonly HostPortChoice[]): void {
    for (const c of choices) this.recent[c.protocol].delete(c.hostPort);
  }

  private async one(protocol: 'tcp' | 'udp', held: ReadonlySet<number>): Promise<number | undefined> {
    const reserved = protocol === 'tcp' ? this.options.reservedTcp : this.options.reservedUdp;
    const taken = new Set([...reserved, ...held, ...this.recent[protocol]]);
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
