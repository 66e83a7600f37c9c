import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { Server } from 'node:http';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { Level } from 'level';

/**
 * The DynamoDB that dev mode runs in its own process: dynalite, an emulator
 * of the DynamoDB API over LevelDB. In memory by default; on disk in
 * `dataDir` when given, so a dev cluster survives a restart.
 */
export interface EmbeddedDynamoDbOptions {
  /** A LevelDB directory; created if missing. In memory when absent. */
  readonly dataDir?: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** Loopback by default: the emulator checks no signatures. */
  readonly host?: string;
}

export interface EmbeddedDynamoDb {
  readonly endpoint: string;
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
  const server = createDynalite({ ...instantTables, ...(path !== undefined && { path }) });
  const boundPort = await listen(server, port, host).catch(async (error: unknown) => {
    await releaseDatabase(server);
    throw error;
  });
  const endpoint = `http://${host.includes(':') ? `[${host}]` : host}:${boundPort}`;
  const close = () =>
    new Promise<void>((done, fail) => {
      server.close((error) => (error ? fail(error) : done()));
    });
  try {
    await firstRequest(endpoint);
  } catch (error) {
    await close();
    throw error;
  }
  return { endpoint, close };
}

/**
 * dynalite opens its database in the background; one request waits for
 * that, so once this returns the data directory's lock is held and a second
 * emulator on the same directory is refused by checkDataDir.
 */
async function firstRequest(endpoint: string): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'berth-embedded', secretAccessKey: 'berth-embedded' },
  });
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

/**
 * dynalite closes its database only from server.close(), which refuses a
 * server that never listened; listening on a throwaway loopback port first
 * lets it release the data directory's lock.
 */
async function releaseDatabase(server: Server): Promise<void> {
  await new Promise<void>((done) => {
    server.once('error', () => done());
    server.listen(0, '127.0.0.1', () => server.close(() => done()));
  });
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? text;
}
