import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';

/** One file of the web console, ready to serve. */
export interface ConsoleAsset {
  readonly body: Uint8Array<ArrayBuffer>;
  readonly contentType: string;
  /** A strong validator: the content's hash, so a redeploy with new files answers 200, not 304. */
  readonly etag: string;
}

/** Where the console's files come from: read (or built) once, then served from memory. */
export type ConsoleAssets = () => Promise<ReadonlyMap<string, ConsoleAsset>>;

/** The console's files by name, as console/build.ts makes them. */
export type ConsoleFiles = Readonly<Record<string, Uint8Array>>;

/**
 * Assets from the files in a folder (a file: URL ending in `/`; the api Lambda ships them beside its bundle, not inside
 * it: docs/decisions.md, "The web console").
 */
export function consoleAssetsFromFiles(dir: URL): ConsoleAssets {
  return consoleAssetsFrom(async () => {
    const names = ['index.html', 'console.js', 'console.css'];
    return Object.fromEntries(await Promise.all(names.map(async (name) => [name, await readFile(new URL(name, dir))])));
  });
}

/**
 * Assets from a function that makes the files (dev mode builds them with
 * esbuild on first use). The first request makes them, once: the files of a
 * deployment never change, and dev mode rebuilds at its next start.
 */
export function consoleAssetsFrom(make: () => Promise<ConsoleFiles>): ConsoleAssets {
  let made: Promise<ReadonlyMap<string, ConsoleAsset>> | undefined;
  return () =>
    (made ??= make().then(
      (files) => new Map(Object.entries(files).map(([name, body]) => [name, consoleAsset(name, body)])),
    ));
}

function consoleAsset(name: string, body: Uint8Array): ConsoleAsset {
  // html, js or css: the only kinds the console has.
  const kind = name.split('.').pop();
  return {
    // A copy the response can own (esbuild's outputs may be views into a larger buffer).
    body: new Uint8Array(body),
    contentType: `text/${kind === 'js' ? 'javascript' : kind}; charset=utf-8`,
    etag: `"${createHash('sha256').update(body).digest('base64url')}"`,
  };
}
