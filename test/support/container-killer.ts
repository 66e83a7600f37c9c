import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { containersLabelled } from './agents.ts';

const run = promisify(execFile);

export interface ContainerKiller {
  /** Containers killed so far. */
  readonly killed: number;
  /** Stops the killing and waits for the round in progress to finish. */
  stop(): Promise<void>;
}

/**
 * A fault injector: `docker kill`s every running container carrying the
 * labels, round after round, with `intervalMs` between rounds, as an
 * operator's script or a misbehaving host daemon would, behind Berth's back.
 * The cadence is the fault itself, not a wait for a condition.
 */
export function killContainersRepeatedly(labels: Record<string, string>, intervalMs: number): ContainerKiller {
  let killed = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  const loop = (async () => {
    while (!stopped) {
      const ids = await containersLabelled(labels);
      if (ids.length > 0) {
        // A container may exit between the listing and the kill: that is not an error here.
        const result = await run('docker', ['kill', ...ids]).catch((error: { stdout?: string }) => error);
        killed += (result.stdout ?? '').split('\n').filter((line) => line.trim() !== '').length;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, intervalMs);
      });
    }
  })();
  return {
    get killed() {
      return killed;
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      wake?.();
      await loop;
    },
  };
}
