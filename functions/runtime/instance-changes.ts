import type { InstanceChanges } from '#shared/control/context.ts';

/**
 * Instance changes within one process (dev mode): a poll that found nothing
 * new waits here until the control plane changes the instance's assignments,
 * so a task reaches its agent as soon as it is placed instead of at the
 * agent's next poll. Watches are kept per instance and dropped when they
 * fire, time out or are cancelled.
 */
export interface InProcessInstanceChanges extends InstanceChanges {
  /**
   * Fires every watch and makes later ones fire at once: a shutting-down
   * server answers its held polls now instead of holding them open.
   */
  close(): void;
}

export function inProcessInstanceChanges(): InProcessInstanceChanges {
  const watching = new Map<string, Set<() => void>>();
  const keyOf = (cluster: string, instanceId: string) => `${cluster}/${instanceId}`;
  let closed = false;
  return {
    watch(cluster, instanceId, timeoutMs) {
      if (closed) return { next: Promise.resolve(), cancel: () => {} };
      const key = keyOf(cluster, instanceId);
      let fire = () => {};
      const next = new Promise<void>((resolve) => {
        const watchers = watching.get(key) ?? new Set();
        watching.set(key, watchers);
        fire = () => {
          clearTimeout(timer);
          watchers.delete(fire);
          if (watchers.size === 0 && watching.get(key) === watchers) watching.delete(key);
          resolve();
        };
        const timer = setTimeout(fire, timeoutMs);
        timer.unref();
        watchers.add(fire);
      });
      return { next, cancel: () => fire() };
    },
    changed(cluster, instanceIds) {
      for (const id of instanceIds) {
        const watchers = watching.get(keyOf(cluster, id));
        if (watchers) for (const fire of [...watchers]) fire();
      }
    },
    close() {
      closed = true;
      for (const watchers of [...watching.values()]) for (const fire of [...watchers]) fire();
    },
  };
}
