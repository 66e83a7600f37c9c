import { lstatSync, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { BindMount } from '#shared/ports/container-runtime.ts';
import { hostPathAsk, isWithin } from '#shared/security/cluster-policy-check.ts';
import { normalizeHostPath } from '#shared/security/cluster-policy-defaults.ts';
import type { ClusterPolicy } from '#shared/security/cluster-policy.ts';

export type ResolvedMounts =
  { readonly ok: true; readonly mounts: BindMount[] } | { readonly ok: false; readonly message: string };

/**
 * The bind mounts of a container as the host will really make them. The
 * policy's check reads a host path as text; the engine follows symbolic
 * links. A task allowed to write into an allowed directory can plant a link
 * there (to the engine's socket, to /etc) and a second task mounting the
 * link would get what it points at. So, at each create:
 * - a symbolic link anywhere below the allowed directory is refused: the
 *   tasks that write there could have made it;
 * - the real path (links above the allowed directory resolved, such as
 *   /var/run -> /run) must pass the same policy as the path asked for;
 * - the real path is what is bound, so the engine follows no link the
 *   check did not see.
 * What remains: a task that swaps a directory for a link between this check
 * and the engine's mount (a race of milliseconds); see docs/security.md.
 */
export function resolveBindMounts(mounts: readonly BindMount[], policy: ClusterPolicy): ResolvedMounts {
  const realAllowed = policy.allowedHostPaths.flatMap((path) => [normalizeHostPath(path), realHostPath(path)]);
  const realPolicy: ClusterPolicy = { ...policy, allowedHostPaths: realAllowed };
  const resolved: BindMount[] = [];
  for (const mount of mounts) {
    const source = normalizeHostPath(mount.source);
    const link = plantedLink(source, policy.allowedHostPaths);
    if (link) return refused(source, `passes through the symbolic link ${link}, which Berth does not follow`);
    const real = realHostPath(source);
    const ask = hostPathAsk(real, realPolicy);
    if (ask)
      return refused(
        source,
        `resolves on the host to ${real}: binding it asks for ${ask}, which the cluster's policy does not allow`,
      );
    resolved.push({ ...mount, source: real });
  }
  return { ok: true, mounts: resolved };
}

function refused(source: string, why: string): ResolvedMounts {
  return { ok: false, message: `the bind mount of host path '${source}' ${why}` };
}

/** The first symbolic link below the allow-listed directory that holds `path`, if any. */
function plantedLink(path: string, allowedHostPaths: readonly string[]): string | undefined {
  const roots = allowedHostPaths.map(normalizeHostPath).filter((root) => isWithin(path, root));
  // The outermost allowed root: a task writing there could have made any link below it, a
  // nested allowed directory included; links above it are the operator's layout.
  const root = roots.sort((a, b) => a.length - b.length)[0];
  if (root === undefined) return undefined;
  const below = path
    .slice(root.length)
    .split('/')
    .filter((part) => part !== '');
  let current = root;
  for (const part of below) {
    current = join(current, part);
    const kind = lstatKind(current);
    if (kind === 'missing') return undefined;
    if (kind === 'link') return current;
  }
  return undefined;
}

function lstatKind(path: string): 'missing' | 'link' | 'other' {
  try {
    return lstatSync(path).isSymbolicLink() ? 'link' : 'other';
  } catch {
    return 'missing';
  }
}

/** The path with every link resolved: the real path of its deepest existing ancestor, plus the rest as written. */
export function realHostPath(path: string): string {
  const rest: string[] = [];
  let existing = normalizeHostPath(path);
  for (;;) {
    try {
      return join(realpathSync(existing), ...rest);
    } catch {
      if (existing === '/') return normalizeHostPath(path);
      rest.unshift(basename(existing));
      existing = dirname(existing);
    }
  }
}
