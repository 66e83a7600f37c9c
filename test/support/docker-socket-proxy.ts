import { rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A unix socket in front of the Docker socket that fails the two ways an
 * engine fails, for one agent, without touching the engine every other test
 * shares:
 * - `cut()`: new connections are refused and open ones broken, as a dead
 *   engine's are; `start()` brings the engine back.
 * - `hang()`: as a wedged dockerd, connections are still accepted but nothing
 *   more is answered. Bytes in flight either way are swallowed, so a request
 *   sent (or an event emitted) during the hang is never delivered, and
 *   connections open when the hang began or opened during it stay silent for
 *   good, even after `resume()`. Only connections opened after `resume()` are
 *   served again: a client recovers only if it gives up on a stuck call (a
 *   deadline) and asks again.
 */
export class DockerSocketProxy {
  readonly path: string;
  private readonly target: string;
  private server: Server | undefined;
  private hung = false;
  /** Connections that will never be answered again (opened before or during a hang). */
  private readonly stuck = new Set<Socket>();
  private readonly live = new Set<{ client: Socket; upstream: Socket }>();

  constructor(path: string, target = '/var/run/docker.sock') {
    this.path = path;
    this.target = target;
  }

  /** What an agent is given as its engine: `unix://` and this proxy's socket. */
  get dockerHost(): string {
    return `unix://${this.path}`;
  }

  /** Listens (again, after `cut()`). */
  start(): Promise<void> {
    rmSync(this.path, { force: true });
    const server = createServer((client) => (this.hung ? this.hold(client) : this.forward(client)));
    this.server = server;
    return new Promise((resolve) => server.listen(this.path, () => resolve()));
  }

  /** From now on nothing is answered, on open connections or new ones. */
  hang(): void {
    this.hung = true;
    for (const pair of this.live) {
      pair.client.unpipe(pair.upstream);
      pair.upstream.unpipe(pair.client);
      // Keep reading so the peers' writes succeed, as they would into a wedged engine's socket buffer.
      pair.client.on('data', () => {});
      pair.upstream.on('data', () => {});
      this.stuck.add(pair.client);
      this.stuck.add(pair.upstream);
    }
    this.live.clear();
  }

  /** New connections are served again; the stuck ones stay stuck. */
  resume(): void {
    this.hung = false;
  }

  /** Refuses new connections and breaks the open ones, as a dead engine would, until `start()`. */
  cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.stuck) socket.destroy();
    for (const pair of this.live) {
      pair.client.destroy();
      pair.upstream.destroy();
    }
    if (!server) return Promise.resolve();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  /** Closes everything for good (the end of a test). */
  stop(): Promise<void> {
    return this.cut();
  }

  private hold(client: Socket): void {
    this.stuck.add(client);
    client.on('data', () => {});
    client.on('error', () => client.destroy());
    client.on('close', () => this.stuck.delete(client));
  }

  private forward(client: Socket): void {
    const upstream = createConnection(this.target);
    const pair = { client, upstream };
    this.live.add(pair);
    const drop = () => {
      this.live.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    // A stuck connection is never closed by the engine's side: the client sees silence, not an error.
    upstream.on('error', () => (this.stuck.has(upstream) ? upstream.destroy() : drop()));
    upstream.on('close', () => (this.stuck.has(upstream) ? this.stuck.delete(upstream) : drop()));
    client.on('error', drop);
    client.on('close', () => {
      this.stuck.delete(client);
      drop();
    });
    client.pipe(upstream).pipe(client);
  }
}
