import { rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A unix socket that forwards to the Docker socket, and can be cut: the
 * test's way to make the engine unreachable for one agent without touching
 * the engine every other test shares.
 */
export class SocketProxy {
  readonly path: string;
  private readonly target: string;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(path: string, target = '/var/run/docker.sock') {
    this.path = path;
    this.target = target;
  }

  start(): Promise<void> {
    rmSync(this.path, { force: true });
    const server = createServer((client) => {
      const upstream = createConnection(this.target);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    this.server = server;
    return new Promise((resolve) => server.listen(this.path, () => resolve()));
  }

  /** Refuses new connections and breaks the open ones, as a dead engine would. */
  stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (!server) return Promise.resolve();
    return new Promise((resolve) => server.close(() => resolve()));
  }
}
