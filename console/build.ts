// Builds the web console: one JS, one CSS and index.html, with the local
// esbuild, offline. `tsx console/build.ts DIR` writes them to DIR (the api
// bundle's folder, see infra/constructs/berth-function.ts); dev mode calls
// buildConsole() and serves the files from memory.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The console's files by name, as the api serves them under /console/. */
export type ConsoleFiles = Readonly<Record<string, Uint8Array>>;

const sourceDir = fileURLToPath(new URL('./src/', import.meta.url));

export async function buildConsole(): Promise<ConsoleFiles> {
  // Loaded here, not at the top: only a build needs esbuild.
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [join(sourceDir, 'main.ts'), join(sourceDir, 'styles.css')],
    outdir: '/console',
    entryNames: 'console',
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['chrome120', 'firefox120', 'safari17'],
    write: false,
    legalComments: 'none',
    logLevel: 'warning',
  });
  const files: Record<string, Uint8Array> = { 'index.html': readFileSync(join(sourceDir, 'index.html')) };
  for (const output of result.outputFiles) files[output.path.split('/').pop() ?? output.path] = output.contents;
  return files;
}

export function writeConsole(files: ConsoleFiles, dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  if (dir === undefined) throw new Error('usage: tsx console/build.ts OUTPUT_DIR');
  writeConsole(await buildConsole(), dir);
}
