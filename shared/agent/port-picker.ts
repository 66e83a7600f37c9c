/**
 * Choosing host ports for dynamic port mappings (hostPort 0 or absent in
 * bridge mode). The agent picks them itself, from a configurable range, so
 * that it can report them as network bindings before the engine answers and
 * keep them clear of reserved ports.
 */
export interface PortRange {
  readonly from: number;
  readonly to: number;
}

/** ECS's default ephemeral range for dynamic host ports on Linux. */
export const DEFAULT_DYNAMIC_PORT_RANGE: PortRange = { from: 49153, to: 65535 };

export function parsePortRange(text: string): PortRange {
  const match = /^(\d+)-(\d+)$/.exec(text.trim());
  const from = Number(match?.[1]);
  const to = Number(match?.[2]);
  if (!match || from < 1 || to > 65535 || from > to) {
    throw new Error(`Port range '${text}' is not FROM-TO within 1-65535`);
  }
  return { from, to };
}

/**
 * `count` distinct ports from `range` that are not in `taken`, scanning from
 * a random offset so that agents sharing a host do not all reach for the same
 * port first. Undefined when the range cannot supply that many.
 */
export function pickHostPorts(
  count: number,
  range: PortRange,
  taken: ReadonlySet<number>,
  random: () => number,
): number[] | undefined {
  const size = range.to - range.from + 1;
  const start = Math.floor(random() * size);
  const picked: number[] = [];
  for (let i = 0; i < size && picked.length < count; i++) {
    const port = range.from + ((start + i) % size);
    if (!taken.has(port)) picked.push(port);
  }
  return picked.length === count ? picked : undefined;
}
