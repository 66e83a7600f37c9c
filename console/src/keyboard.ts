/**
 * Keyboard use, as in a terminal tool: j/k move through a table's rows,
 * Enter opens the selected one, u goes up a level, p pauses live refresh,
 * r refreshes now, ? lists the keys. Keys typed into a form are left alone.
 */
export interface KeyActions {
  readonly up: () => void;
  readonly togglePause: () => void;
  readonly refresh: () => void;
  readonly toggleHelp: () => void;
}

export const KEY_HELP: ReadonlyArray<[string, string]> = [
  ['j / k', 'next / previous row'],
  ['Enter', 'open the selected row'],
  ['u', 'up one level'],
  ['g', 'clusters'],
  ['p', 'pause or resume live refresh'],
  ['r', 'refresh now'],
  ['?', 'show or hide these keys'],
];

export function bindKeys(actions: KeyActions): () => void {
  const onKey = (event: KeyboardEvent) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target as HTMLElement | null;
    if (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
    const handled = handle(event.key, actions);
    if (handled) event.preventDefault();
  };
  document.addEventListener('keydown', onKey);
  return () => document.removeEventListener('keydown', onKey);
}

function handle(key: string, actions: KeyActions): boolean {
  switch (key) {
    case 'j':
      return move(1);
    case 'k':
      return move(-1);
    case 'Enter':
      return open();
    case 'u':
      actions.up();
      return true;
    case 'g':
      location.hash = '#/';
      return true;
    case 'p':
      actions.togglePause();
      return true;
    case 'r':
      actions.refresh();
      return true;
    case '?':
      actions.toggleHelp();
      return true;
    default:
      return false;
  }
}

function rows(): HTMLElement[] {
  return Array.from(document.querySelectorAll<HTMLElement>('tbody tr[data-href]'));
}

function move(step: number): boolean {
  const all = rows();
  if (all.length === 0) return false;
  const current = all.findIndex((row) => row.classList.contains('selected'));
  const next = Math.max(0, Math.min(all.length - 1, current === -1 ? 0 : current + step));
  all.forEach((row, index) => row.classList.toggle('selected', index === next));
  all[next]?.scrollIntoView({ block: 'nearest' });
  return true;
}

function open(): boolean {
  const selected = rows().find((row) => row.classList.contains('selected'));
  const target = selected?.dataset.href;
  if (target === undefined) return false;
  location.hash = target;
  return true;
}
