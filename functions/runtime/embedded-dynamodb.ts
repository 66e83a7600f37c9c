import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, Server } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Level } from 'level';
import {
  embeddedCredentials,
  signatureGuard,
  type EmbeddedCredentials,
  type InnerListener,
} from './embedded-dynamodb-guard.ts';

/**
 * The DynamoDB that dev mode runs in its own process: dynalite, an emulator
 * of the DynamoDB API over LevelDB. In memory by default; on disk in
 * `dataDir` when given, so a dev cluster survives a restart.
 *
 * dynalite checks no signatures, so it is never reachable itself: the
 * endpoint is a front that admits only requests signed with a key made at
 * start (embedded-dynamodb-guard.ts). Only holders of `credentials`, that is
 * this process, can use the table.
 */
export interface EmbeddedDynamoDbOptions {
  /** A LevelDB directory; created if missing. In memory when absent. */
  readonly dataDir?: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** Loopback by default. */
  readonly host?: string;
  /** The region requests must be signed for; us-east-1 by default. */
  readonly region?: string;
}

export interface EmbeddedDynamoDb {
  readonly endpoint: string;
  readonly region: string;
  /** The only key the endpoint accepts; made at start, never written anywhere. */
  readonly credentials: EmbeddedCredentials;
  close(): Promise<void>;
}

/** Why the emulator could not start, in one line a person can act on. */
export class EmbeddedDynamoDbError extends Error {
  override readonly name = 'EmbeddedDynamoDbError';
}

/**
 * dynalite keeps a new table CREATING for half a second by default, which
 * would only slow every dev start and test; a real table takes its own time
 * and ensureTable waits for either.
 */
const instantTables = { createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 } as const;

export async function startEmbeddedDynamoDb(options: EmbeddedDynamoDbOptions = {}): Promise<EmbeddedDynamoDb> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  const path = options.dataDir === undefined ? undefined : resolve(options.dataDir);
  // dynalite opens its LevelDB lazily and, when that fails, throws from inside
  // a request callback where no caller can catch it. Opening it once here
  // first turns a bad directory into an error at start. (Another process could
  // still take the directory between this check and dynalite's own open; that
  // narrow race ends in dynalite's uncaught error, as it would without us.)
  if (path !== undefined) await checkDataDir(path);
  const region = options.region ?? 'us-east-1';
  const database = await startDynalite({ ...instantTables, ...(path !== undefined && { path }) });
  const credentials = embeddedCredentials();
  const front = createServer(signatureGuard(credentials, region, database.handler));
  const boundPort = await listen(front, port, host).catch(async (error: unknown) => {
    await database.close();
    throw error;
  });
  const endpoint = `http://${host.includes(':') ? `[${host}]` : host}:${boundPort}`;
  const close = async () => {
    await closeFront(front);
    await database.close();
  };
  try {
    await firstRequest(endpoint, region, credentials);
  } catch (error) {
    await close();
    throw error;
  }
  return { endpoint, region, credentials, close };
}

/**
 * dynalite with its request handler taken out, to be called by the front.
 * dynalite closes its database only from its server's close(), which
 * refuses a server that never listened: it listens on a unix socket in a
 * directory of its own (mode 0700, as mkdtemp makes it), removed at once,
 * so nothing can connect and nothing is left behind if the process dies.
 */
async function startDynalite(
  options: Record<string, unknown>,
): Promise<{ handler: InnerListener; close(): Promise<void> }> {
  const server = createDynalite(options);
  const [handler] = server.listeners('request');
  if (typeof handler !== 'function') throw new Error('dynalite did not register a request handler');
  const home = await mkdtemp(join(tmpdir(), 'berth-dynalite-'));
  try {
    await new Promise<void>((done, fail) => {
      server.once('error', fail);
      server.listen(join(home, 'unused.sock'), () => {
        server.off('error', fail);
        done();
      });
    });
  } finally {
    await rm(home, { recursive: true, force: true });
  }
  return {
    handler: (request, response) => void handler.call(server, request, response),
    close: () => new Promise<void>((done, fail) => server.close((error) => (error ? fail(error) : done()))),
  };
}

/** Closes the front at once: by the time it is closed, no caller is waiting on it, only idle pooled connections. */
function closeFront(front: Server): Promise<void> {
  const closed = new Promise<void>((done) => front.close(() => done()));
  front.closeAllConnections();
  return closed;
}

/**
 * dynalite opens its database in the background; one request waits for
 * that, so once this returns the data directory's lock is held and a second
 * emulator on the same directory is refused by checkDataDir.
 */
async function firstRequest(endpoint: string, region: string, credentials: EmbeddedCredentials): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region, credentials });
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }));
  } finally {
    client.destroy();
  }
}

function createDynalite(options: Record<string, unknown>): Server {
  // dynalite is CommonJS without type declarations: load it and check what came back.
  const dynalite: unknown = createRequire(import.meta.url)('dynalite');
  if (typeof dynalite !== 'function') throw new Error('The dynalite package did not export a function');
  const server: unknown = dynalite(options);
  if (!(server instanceof Server)) throw new Error('dynalite did not return an HTTP server');
  return server;
}

async function checkDataDir(path: string): Promise<void> {
  const db = new Level(path);
  try {
    await db.open();
  } catch (error) {
    throw new EmbeddedDynamoDbError(`Cannot use ${path} as the DynamoDB data directory: ${openFailure(error)}`);
  }
  await db.close();
}

function openFailure(error: unknown): string {
  // abstract-level wraps the reason in a generic "failed to open" error.
  const reason = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code = reason instanceof Error && 'code' in reason ? reason.code : undefined;
  if (code === 'LEVEL_LOCKED') return 'another process (a second Berth?) is using it';
  const message = reason instanceof Error ? reason.message : String(reason);
  return firstLine(message);
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((done, fail) => {
    const onError = (error: NodeJS.ErrnoException) => fail(new EmbeddedDynamoDbError(listenFailure(error, port, host)));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address();
      if (address === null || typeof address === 'string') {
        fail(new Error(`The embedded DynamoDB reports no TCP address: ${String(address)}`));
        return;
      }
      done(address.port);
    });
  });
}

function listenFailure(error: NodeJS.ErrnoException, port: number, host: string): string {
  const where = `${host}:${port}`;
  switch (error.code) {
    case 'EADDRINUSE':
      return `Cannot start the embedded DynamoDB: port ${port} on ${host} is already in use; choose another port`;
    case 'EACCES':
      return `Cannot start the embedded DynamoDB: not allowed to listen on ${where}`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return `Cannot start the embedded DynamoDB: ${host} is not an address of this host`;
    default:
      return `Cannot start the embedded DynamoDB on ${where}: ${firstLine(error.message)}`;
  }
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? text;
}
