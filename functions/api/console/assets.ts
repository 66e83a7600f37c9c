import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One file of the web console, ready to serve. */
export interface ConsoleAsset {
  readonly body: Uint8Array<ArrayBuffer>;
  readonly contentType: string;
  /** A strong validator: the content's hash, so a redeploy with new files answers 200, not 304. */
  readonly etag: string;
}

/** Where the console's files come from: read (or built) once, then served from memory. */
export type ConsoleAssets = () => Promise<ReadonlyMap<string, ConsoleAsset>>;

export const CONSOLE_FILES = ['index.html', 'console.js', 'console.css'] as const;

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};

export function consoleAsset(name: string, body: Uint8Array): ConsoleAsset {
  const extension = name.split('.').pop() ?? '';
  const hash = createHash('sha256').update(body).digest('base64url').slice(0, 22);
  // A copy the response can own (esbuild's outputs may be views into a larger buffer).
  return {
    body: new Uint8Array(body),
    contentType: CONTENT_TYPES[extension] ?? 'application/octet-stream',
    etag: `"${hash}"`,
  };
}

/**
 * Assets from files (the api Lambda ships them beside its bundle, not inside
 * it: docs/decisions.md, "The web console"). The first request reads them;
 * a failed read is not cached, so a later request tries again.
 */
export function consoleAssetsFromFiles(dir: string): ConsoleAssets {
  return once(async () => {
    const entries = await Promise.all(
      CONSOLE_FILES.map(async (name) => [name, consoleAsset(name, await readFile(join(dir, name)))] as const),
    );
    return new Map(entries);
  });
}

/** Assets from a function that makes the files (dev mode builds them with esbuild on first use). */
export function consoleAssetsFrom(make: () => Promise<Readonly<Record<string, Uint8Array>>>): ConsoleAssets {
  return once(
    async () => new Map(Object.entries(await make()).map(([name, body]) => [name, consoleAsset(name, body)])),
  );
}

function once<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= load().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}
