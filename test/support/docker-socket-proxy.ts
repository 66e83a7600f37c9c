import { rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A unix socket that forwards to the Docker socket, and can fail the two
 * ways an engine fails, for one agent without touching the engine every
 * other test shares:
 * - `stop()`: refused and broken connections, as a dead engine;
 * - `hang()`: connections are accepted and never answered, as an engine
 *   stuck on a lock. What was sent or due on an open connection during a
 *   hang is lost for good (that connection stays a black hole), so only a
 *   client that gives up on it and reconnects sees the engine again after
 *   `resume()`.
 */
export class DockerSocketProxy {
  readonly path: string;
  private readonly target: string;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  /** Client connections that lose everything, in both directions. */
  private readonly blackHoles = new WeakSet<Socket>();
  private hung = false;

  constructor(path: string, target = '/var/run/docker.sock') {
    this.path = path;
    this.target = target;
  }

  start(): Promise<void> {
    rmSync(this.path, { force: true });
    const server = createServer((client) => this.accept(client));
    this.server = server;
    return new Promise((resolve) => server.listen(this.path, () => resolve()));
  }

  /** Accepts and holds every connection without answering; open ones go silent for good. */
  hang(): void {
    this.hung = true;
  }

  /** New connections reach the engine again; those silenced by the hang stay silent. */
  resume(): void {
    this.hung = false;
  }

  /** Refuses new connections and breaks the open ones, as a dead engine would. */
  stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (!server) return Promise.resolve();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    this.track(client);
    client.on('error', () => client.destroy());
    if (this.hung) {
      this.blackHoles.add(client);
      // Read and drop, so the client's writes never block: it simply never hears back.
      client.on('data', () => undefined);
      return;
    }
    const upstream = createConnection(this.target);
    this.track(upstream);
    upstream.on('error', () => {
      client.destroy();
      upstream.destroy();
    });
    client.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    // Forwarded by hand rather than piped, so a hang can swallow what is in flight.
    client.on('data', (chunk) => {
      if (this.hung) this.blackHoles.add(client);
      if (!this.blackHoles.has(client)) upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (this.hung) this.blackHoles.add(client);
      if (!this.blackHoles.has(client)) client.write(chunk);
    });
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }
}
