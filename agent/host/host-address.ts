import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';

/**
 * The address other hosts can reach this one at, in order of trust: the
 * EC2 private IP from the metadata service (the VPC routes it), the address
 * the operator configured, then the IPv4 address of the interface the
 * default route leaves by. Undefined when none is known (no default route).
 */
export function chooseHostAddress(sources: {
  readonly ec2PrivateIp?: string | undefined;
  readonly configured?: string | undefined;
  readonly defaultRoute?: string | undefined;
}): string | undefined {
  return sources.ec2PrivateIp ?? sources.configured ?? sources.defaultRoute;
}

/**
 * The interface of the default IPv4 route, from /proc/net/route (Linux):
 * the line whose destination and mask are both 00000000. The lowest metric wins.
 */
export function defaultRouteInterface(routeTable: string): string | undefined {
  const routes = routeTable
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f.length >= 8 && f[1] === '00000000' && f[7] === '00000000')
    .map((f) => ({ iface: f[0] ?? '', metric: Number(f[6]) }))
    .sort((a, b) => a.metric - b.metric);
  return routes[0]?.iface;
}

/** The IPv4 address of the default route's interface on this machine, if there is one. */
export function defaultRouteAddress(): string | undefined {
  let table: string;
  try {
    table = readFileSync('/proc/net/route', 'utf8');
  } catch {
    return undefined; // Not Linux, or no procfs: the operator configures --host-address.
  }
  const iface = defaultRouteInterface(table);
  if (!iface) return undefined;
  return networkInterfaces()[iface]?.find((a) => a.family === 'IPv4' && !a.internal)?.address;
}
