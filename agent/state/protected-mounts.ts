import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { ContainerRuntime } from '#shared/ports/container-runtime.ts';

/**
 * The agent's state directory holds the credential that acts for this
 * instance, and every task's record: no container may see it. A bind mount
 * is refused when its source is the directory, inside it, or one of its
 * parents (a bind of `/` or `/var/lib` shows it too), whatever the cluster's
 * policy allows otherwise.
 *
 * True when one path is the other or lies inside it: a bind of either shows the other.
 */
export function overlaps(a: string, b: string): boolean {
  return within(a, b) || within(b, a);
}

function within(child: string, parent: string): boolean {
  const path = relative(parent, child);
  return path === '' || (path !== '..' && !path.startsWith(`..${sep}`) && !isAbsolute(path));
}

/**
 * The last gate before the engine: a container runtime whose
 * createContainer refuses any bind mount that would show the state
 * directory, whatever allowed it upstream (the cluster's allowed host
 * paths, a bug). Sources are compared by their real paths, so a symlink
 * elsewhere that leads into the directory is refused too. The task then
 * fails to start with the reason, as for any refused container.
 */
export function guardStateDir(runtime: ContainerRuntime, stateDir: string): ContainerRuntime {
  const protectedPath = realPath(stateDir);
  const createContainer: ContainerRuntime['createContainer'] = async (config) => {
    for (const mount of config.security.mounts) {
      if (overlaps(realPath(mount.source), protectedPath)) {
        return {
          ok: false,
          failure: {
            kind: 'rejected',
            message: `the bind mount of ${mount.source} would show the agent's state directory and credential`,
          },
        };
      }
    }
    return runtime.createContainer(config);
  };
  return new Proxy(runtime, {
    get: (target, property, receiver) =>
      property === 'createContainer' ? createContainer : Reflect.get(target, property, receiver),
  });
}

/** The path with symlinks resolved; as given (resolved lexically) when it does not exist. */
function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}
