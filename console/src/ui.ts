import type { ComponentChildren } from 'preact';
import { ApiError } from './api.ts';
import { html } from './html.ts';
import type { Polled } from './poll.ts';
import type { Resource } from './ecs.ts';

/** A status word coloured by what it means: good, moving, stopped or bad. */
export function Status({ value }: { value: string | undefined }) {
  const word = value ?? '—';
  const tone = /^(ACTIVE|RUNNING|HEALTHY|COMPLETED|PRIMARY|CONNECTED)$/.test(word)
    ? 'good'
    : /^(PENDING|PROVISIONING|ACTIVATING|IN_PROGRESS|DRAINING|DEACTIVATING|STOPPING|DEPROVISIONING|UNKNOWN)$/.test(word)
      ? 'moving'
      : /^(FAILED|UNHEALTHY|DISCONNECTED)$/.test(word)
        ? 'bad'
        : 'quiet';
  return html`<span class="status ${tone}">${word}</span>`;
}

/** What a failed read says: the ECS error type and message, never a blank page. */
export function ErrorNote({ error }: { error: Error }) {
  const type = error instanceof ApiError ? error.type : 'Error';
  return html`<div class="note error" role="alert"><strong>${type}</strong> ${error.message}</div>`;
}

export function Empty({ children }: { children: ComponentChildren }) {
  return html`<div class="note empty">${children}</div>`;
}

/**
 * A polled read's three states: the data (with a stale-data warning when the
 * latest refresh failed), a first load, or the error alone.
 */
export function Loaded<T>({ polled, children }: { polled: Polled<T>; children: (data: T) => ComponentChildren }) {
  if (polled.data !== undefined)
    return html`${polled.error && html`<${ErrorNote} error=${polled.error} />`}${children(polled.data)}`;
  if (polled.error) return html`<${ErrorNote} error=${polled.error} />`;
  return html`<div class="note loading">Loading…</div>`;
}

export function Section({ title, children }: { title: string; children: ComponentChildren }) {
  return html`<section>
    <h2>${title}</h2>
    ${children}
  </section>`;
}

/** Key-value pairs in two dense columns. */
export function Facts({ rows }: { rows: Array<[string, ComponentChildren]> }) {
  return html`<dl class="facts">
    ${rows.map(
      ([name, value]) =>
        html`<div>
          <dt>${name}</dt>
          <dd>${value ?? '—'}</dd>
        </div>`,
    )}
  </dl>`;
}

export function resource(resources: Resource[] | undefined, name: string): number | undefined {
  return resources?.find((r) => r.name === name)?.integerValue;
}

/** Reserved against registered (a bar and the numbers), and what is still free. */
export function Usage({ registered, remaining, unit }: { registered?: number; remaining?: number; unit: string }) {
  if (registered === undefined || remaining === undefined) return html`<span>—</span>`;
  const used = registered - remaining;
  const share = registered > 0 ? Math.min(100, Math.round((used / registered) * 100)) : 0;
  return html`<span class="usage" title="${used} of ${registered} ${unit} reserved, ${remaining} free">
    <span class="bar"><span class="fill ${share >= 90 ? 'full' : ''}" style=${{ width: `${share}%` }}></span></span>
    <span class="num">${used} / ${registered} ${unit}</span>
    <span class="free">${remaining} free</span>
  </span>`;
}
