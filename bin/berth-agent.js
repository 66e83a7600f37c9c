#!/usr/bin/env node
// berth-agent. Runs the bundle that `npm run build:agent` writes
// (dist/agent/berth-agent.mjs) when it is there and no older than the
// sources it was built from; otherwise the TypeScript sources through tsx's
// loader, so a fresh clone, an edited tree and the tests never run a stale
// bundle. BERTH_AGENT_BUNDLE=off always runs the sources.
//
// The bundle runs with Node flags chosen for a small idle footprint (see
// docs/agent.md): V8 flags that only take effect at start-up, so the
// launcher replaces itself (process.execve: same process id, no parent left
// behind) with `node <flags> bin/berth-agent.js ...` once. On a Node without
// process.execve, or when the flags are already given, it runs as it is.
// Built-ins as process.getBuiltinModule gives them, not ES imports: an ES
// import of node:fs builds its namespace, which loads fs.promises and the
// streams and readline behind it into every agent (docs/performance.md).
const { readdirSync, statSync } = process.getBuiltinModule('node:fs');
const { fileURLToPath } = process.getBuiltinModule('node:url');

// BERTH_AGENT_NODE_FLAGS replaces the list (space separated; empty for none).
const NODE_FLAGS = (process.env.BERTH_AGENT_NODE_FLAGS ?? '--lite-mode --max-semi-space-size=1')
  .split(' ')
  .filter(Boolean);
// glibc keeps freed memory for reuse; returning anything past 128 KiB to the
// system measured about 2 MiB less resident memory at no CPU cost worth seeing.
const NODE_ENV = { MALLOC_TRIM_THRESHOLD_: '131072' };

const root = fileURLToPath(new URL('..', import.meta.url));
const bundleUrl = new URL('../dist/agent/berth-agent.mjs', import.meta.url);
const bundle = fileURLToPath(bundleUrl);

/** Newest modification time of the files a bundle is built from. */
function newestSource() {
  let newest = statSync(`${root}package.json`).mtimeMs;
  // A dependency update (zod, say) changes the lock file, not the sources.
  try {
    newest = Math.max(newest, statSync(`${root}package-lock.json`).mtimeMs);
  } catch {
    // No lock file: package.json alone.
  }
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  walk(`${root}agent`);
  walk(`${root}shared`);
  return newest;
}

function freshBundle() {
  if (process.env.BERTH_AGENT_BUNDLE === 'off') return false;
  try {
    return statSync(bundle).mtimeMs >= newestSource();
  } catch {
    return false;
  }
}

if (freshBundle()) {
  const flagged = NODE_FLAGS.every((flag) => process.execArgv.includes(flag));
  if (NODE_FLAGS.length > 0 && !flagged && typeof process.execve === 'function') {
    process.execve(
      process.execPath,
      [process.execPath, ...NODE_FLAGS, ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
      { ...NODE_ENV, ...process.env },
    );
  }
  await import(bundleUrl.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../agent/main.ts');
}
