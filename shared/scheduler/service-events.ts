import type { Service, ServiceEvent } from '../schemas/service.ts';

const MAX_EVENTS = 100;

/** How long a message, once said, is not said again. */
export const EVENT_REPEAT_WINDOW_MS = 5 * 60_000;

/**
 * Adds an event unless one of the last few minutes already says the same
 * thing, so a service going back and forth between two conditions (backing
 * off, starting, backing off) does not flood its log with repeats either.
 * Messages that carry ids (tasks started or stopped) never repeat anyway.
 */
export function withEvent(
  service: Service,
  message: string,
  now: number,
  id: string,
  /**
   * Only a repeat said at or after this moment suppresses the message: news
   * that may rightly recur sooner than the window (a new deployment's
   * steady state) passes its own start here.
   */
  since = now - EVENT_REPEAT_WINDOW_MS,
): Service {
  const from = Math.max(since, now - EVENT_REPEAT_WINDOW_MS);
  const said = service.events.some((e) => e.message === message && e.createdAt >= from);
  if (said) return service;
  const event: ServiceEvent = { id, createdAt: now, message };
  return { ...service, events: [event, ...service.events].slice(0, MAX_EVENTS) };
}

export function label(service: Service): string {
  return `(service ${service.serviceName})`;
}

export function taskList(ids: readonly string[]): string {
  return ids.map((id) => `(task ${id})`).join(' ');
}
