/**
 * Berth's import rules as data: which folder may import which. The import-rule
 * test (import-rules.test.ts) walks every source file and checks each import
 * against these tables; docs/architecture.md prints the same tables.
 *
 * A folder is named by its path from the repository root. A file belongs to the
 * longest folder listed here that contains it. Imports inside one folder are
 * always allowed; an import into another listed folder must be named in
 * `mayImport`. Folders not listed (configuration at the root) are not checked.
 */
export interface LayerRule {
  readonly folder: string;
  /** Folders this one may import from, besides itself. */
  readonly mayImport: readonly string[];
  /** Packages (npm names or node: built-ins) it may import; undefined = any. */
  readonly packages?: readonly string[];
}

/** What `shared/` may take from outside: zod and built-ins that do no I/O. */
const PURE_PACKAGES = ['zod', 'node:crypto', 'node:path'];

/**
 * Inside `shared/`, lowest first. schemas and ports are the floor; domain rules
 * build on them; security (policies, SigV4, credentials) and the agent's pure
 * logic build on the domain; the placement engine and planners (scheduler) are
 * pure too; control is the only effectful layer: it writes through the ports
 * and may use everything below it. Nothing imports control but the edges
 * outside shared/.
 */
export const SHARED_LAYERS: readonly LayerRule[] = [
  // Names the deployment and the runtime share (environment, table attributes, bounds): imports nothing.
  { folder: 'shared/deployment', mayImport: [], packages: [] },
  { folder: 'shared/schemas', mayImport: [], packages: PURE_PACKAGES },
  { folder: 'shared/ports', mayImport: ['shared/schemas'], packages: PURE_PACKAGES },
  { folder: 'shared/domain', mayImport: ['shared/schemas', 'shared/ports'], packages: PURE_PACKAGES },
  {
    folder: 'shared/security',
    mayImport: ['shared/schemas', 'shared/ports', 'shared/domain'],
    packages: PURE_PACKAGES,
  },
  {
    folder: 'shared/agent',
    mayImport: ['shared/schemas', 'shared/ports', 'shared/domain', 'shared/security'],
    packages: PURE_PACKAGES,
  },
  {
    // Pure: plans from snapshots and returns data. It reads what the agent
    // reports (shared/agent's reasons) but never the store (ports/store.ts).
    folder: 'shared/scheduler',
    mayImport: ['shared/schemas', 'shared/domain', 'shared/agent'],
    packages: PURE_PACKAGES,
  },
  // The AWS JSON protocol's pure half (request signing, error naming, retries), shared by the functions and the agent.
  { folder: 'shared/aws', mayImport: ['shared/security'], packages: PURE_PACKAGES },
  // The DNS view's names and records: pure, from snapshots of the schemas' entities.
  { folder: 'shared/dns', mayImport: ['shared/schemas'], packages: PURE_PACKAGES },
  {
    folder: 'shared/control',
    mayImport: [
      'shared/dns',
      'shared/schemas',
      'shared/ports',
      'shared/domain',
      'shared/security',
      'shared/agent',
      'shared/scheduler',
    ],
    packages: PURE_PACKAGES,
  },
];

/**
 * The top level: bin -> functions -> agent -> shared. infra deploys by handler
 * path (strings), so it may take only names from shared/; tests may import
 * anything.
 */
export const TOP_LEVEL: readonly LayerRule[] = [
  { folder: 'shared', mayImport: [], packages: PURE_PACKAGES },
  { folder: 'agent', mayImport: ['shared'] },
  // Dev mode builds the web console's assets (console/build.ts) on first use.
  { folder: 'functions', mayImport: ['agent', 'shared', 'console'] },
  // The client CLI, when it lives at the top level rather than in functions/:
  // it runs `berth bootstrap` through the server's modules.
  { folder: 'cli', mayImport: ['functions', 'shared'] },
  { folder: 'bin', mayImport: ['cli', 'functions', 'agent', 'shared'] },
  { folder: 'infra', mayImport: ['shared'] },
  // The web console runs in a browser: it takes nothing from the server's code, only its UI
  // library; its build script uses esbuild and the file system.
  { folder: 'console', mayImport: [], packages: ['preact', 'htm', 'esbuild', 'node:fs', 'node:path', 'node:url'] },
  { folder: 'test', mayImport: ['bin', 'cli', 'functions', 'agent', 'shared', 'infra', 'console'] },
];

/** A single file that may break a folder rule for a stated reason. */
export interface KnownException {
  readonly from: string;
  readonly to: string;
  readonly why: string;
}

/** Imports the folder rules allow nowhere else; none today. */
export const KNOWN_EXCEPTIONS: readonly KnownException[] = [];

/** Files in these folders are checked. */
export const SOURCE_ROOTS = ['shared', 'functions', 'agent', 'cli', 'bin', 'infra', 'console', 'test'] as const;
