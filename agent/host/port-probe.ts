import { udpSocket } from '../net/builtins.ts';
import { createServer } from 'node:net';

/**
 * Whether a host port is free right now, by trying to bind it on all
 * addresses. The engine's port proxy holds the ports of published
 * containers, so they show as taken. A port can still be taken between this
 * check and the container's start; the start then fails and says so.
 */
export function isPortFree(port: number, protocol: 'tcp' | 'udp'): Promise<boolean> {
  return protocol === 'tcp' ? tcpFree(port) : udpFree(port);
}

function tcpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = udpSocket('udp4');
    socket.once('error', () => {
      try {
        socket.close();
      } catch {
        // Never bound, so nothing to close.
      }
      resolve(false);
    });
    socket.bind({ port, address: '0.0.0.0', exclusive: true }, () => socket.close(() => resolve(true)));
  });
}
