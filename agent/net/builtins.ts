import type { SocketType } from 'node:dgram';

/**
 * node:dgram, which the agent needs only for some features (the DNS view,
 * the UDP port probe), taken when first used rather than imported: every module a bundle imports is loaded at
 * start, and each costs resident memory on every host (docs/performance.md,
 * "Host agent").
 */
export function udpSocket(type: SocketType): import('node:dgram').Socket {
  return process.getBuiltinModule('node:dgram').createSocket(type);
}
