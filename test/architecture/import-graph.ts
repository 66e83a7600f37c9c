import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import ts from 'typescript';

/** One import statement (or export-from, or dynamic import) of one file. */
export interface ImportEdge {
  /** Importing file, relative to the repository root, `/`-separated. */
  readonly from: string;
  readonly line: number;
  readonly specifier: string;
  /** The file imported (relative to the root) or, for a package, its name. */
  readonly target:
    { readonly kind: 'file'; readonly path: string } | { readonly kind: 'package'; readonly name: string };
}

/** The source text of every file to check, by path relative to the root. */
export type SourceFiles = ReadonlyMap<string, string>;

const SOURCE_FILE = /\.(ts|js|mjs)$/;

/** Reads every .ts/.js file under the given folders, skipping node_modules. */
export function readSourceFiles(root: string, folders: readonly string[]): SourceFiles {
  const files = new Map<string, string>();
  const visit = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      if (name === 'node_modules' || name.startsWith('.')) continue;
      const full = join(dir, name);
      if (statSync(full).isDirectory()) visit(full);
      else if (SOURCE_FILE.test(name) && !name.endsWith('.d.ts')) {
        files.set(relative(root, full).split('\\').join('/'), readFileSync(full, 'utf8'));
      }
    }
  };
  for (const folder of folders) if (existsSync(join(root, folder))) visit(join(root, folder));
  return files;
}

/** Package `imports` subpaths (`#shared/*` -> `./shared/*`), read from package.json. */
export type SubpathImports = Readonly<Record<string, string>>;

export function readSubpathImports(root: string): SubpathImports {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { imports?: Record<string, unknown> };
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(pkg.imports ?? {})) {
    if (typeof value === 'string') out[key] = value;
  }
  return out;
}

/** Every import of every file, resolved against the file set. */
export function importEdges(files: SourceFiles, subpaths: SubpathImports = {}): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const [from, text] of files) {
    // preProcessFile finds static imports, export-from and import() without a full parse.
    const info = ts.preProcessFile(text, true, true);
    for (const ref of info.importedFiles) {
      const line = lineAt(text, ref.pos);
      edges.push({ from, line, specifier: ref.fileName, target: resolveTarget(from, ref.fileName, files, subpaths) });
    }
  }
  return edges;
}

const lineAt = (text: string, pos: number): number => text.slice(0, pos).split('\n').length;

function resolveTarget(
  from: string,
  specifier: string,
  files: SourceFiles,
  subpaths: SubpathImports,
): ImportEdge['target'] {
  const mapped = mapSubpath(specifier, subpaths);
  if (mapped !== undefined) return { kind: 'file', path: toSourcePath(posix.normalize(mapped), files) };
  if (specifier.startsWith('.')) {
    return { kind: 'file', path: toSourcePath(posix.join(posix.dirname(from), specifier), files) };
  }
  return { kind: 'package', name: packageName(specifier) };
}

/** `#shared/domain/arn.ts` through `"#shared/*": "./shared/*"`. */
function mapSubpath(specifier: string, subpaths: SubpathImports): string | undefined {
  if (!specifier.startsWith('#')) return undefined;
  for (const [pattern, target] of Object.entries(subpaths)) {
    const star = pattern.indexOf('*');
    if (star < 0 && pattern === specifier) return target;
    if (star >= 0 && specifier.startsWith(pattern.slice(0, star)) && specifier.endsWith(pattern.slice(star + 1))) {
      const middle = specifier.slice(star, specifier.length - (pattern.length - star - 1));
      return target.replace('*', middle);
    }
  }
  return undefined;
}

/** A `.js` specifier may name a `.ts` file; anything unresolved keeps its spelling. */
function toSourcePath(path: string, files: SourceFiles): string {
  if (files.has(path)) return path;
  const asTs = path.replace(/\.js$/, '.ts');
  if (files.has(asTs)) return asTs;
  return path;
}

function packageName(specifier: string): string {
  if (specifier.startsWith('node:')) return specifier;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

export const repositoryRoot = (here: string): string => join(dirname(here), '..', '..');
