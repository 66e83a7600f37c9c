import type { Service, ServiceEvent } from '../schemas/service.ts';

const MAX_EVENTS = 100;

/**
 * Adds an event unless the newest one already says the same thing within the
 * last minute, so a service stuck in one condition does not flood its log.
 */
export function withEvent(service: Service, message: string, now: number, id: string): Service {
  const newest = service.events[0];
  if (newest && newest.message === message && now - newest.createdAt < 60_000) return service;
  const event: ServiceEvent = { id, createdAt: now, message };
  return { ...service, events: [event, ...service.events].slice(0, MAX_EVENTS) };
}

export function label(service: Service): string {
  return `(service ${service.serviceName})`;
}

export function taskList(ids: readonly string[]): string {
  return ids.map((id) => `(task ${id})`).join(' ');
}
