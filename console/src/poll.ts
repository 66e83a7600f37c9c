import { createContext } from 'preact';
import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import type { Api } from './api.ts';

/** How often views re-read while live refresh is on. */
export const POLL_INTERVAL_MS = 5_000;

export interface Session {
  readonly api: Api;
  /** Bumped by the poll timer and by a manual refresh: every view re-reads on a change. */
  readonly tick: number;
}

export const SessionContext = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in console');
  return session;
}

export interface Polled<T> {
  readonly data?: T;
  readonly error?: Error;
  /** True until the first answer (or failure) for the current key. */
  readonly loading: boolean;
}

/**
 * Reads `load` for `key` now and again on every tick. The last good answer
 * stays on screen while the next read is in flight, so a refresh does not
 * flicker; an answer for a key the view has left is dropped.
 */
export function usePolled<T>(key: string, load: (api: Api) => Promise<T>): Polled<T> {
  const { api, tick } = useSession();
  const [state, setState] = useState<Polled<T> & { key: string }>({ key, loading: true });
  const latest = useRef(key);
  latest.current = key;
  useEffect(() => {
    let current = true;
    load(api).then(
      (data) => current && latest.current === key && setState({ key, data, loading: false }),
      (error: unknown) =>
        current &&
        latest.current === key &&
        setState((previous) => ({
          key,
          ...(previous.key === key && previous.data !== undefined && { data: previous.data }),
          error: error instanceof Error ? error : new Error(String(error)),
          loading: false,
        })),
    );
    return () => {
      current = false;
    };
    // load is a fresh closure every render; the key names what it reads.
  }, [key, tick, api]);
  return state.key === key ? state : { loading: true };
}
