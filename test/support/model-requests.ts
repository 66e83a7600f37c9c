import type { ModelMember } from '#functions/api/ecs/model/model.ts';

/**
 * Requests that carry one member of an ECS operation with a plausible value,
 * beside the operation's required members, built from the model list alone so
 * that every member of every operation gets one.
 */
export function requestWith(
  members: readonly ModelMember[],
  path: string,
  base: Record<string, unknown> = {},
): Record<string, unknown> {
  const body: Record<string, unknown> = structuredClone(base);
  for (const m of members) if (m.required && !/[.[{]/.test(m.path) && !(m.path in body)) place(body, m.path, members);
  place(body, path, members);
  return body;
}

function typeOf(members: readonly ModelMember[], path: string): ModelMember['type'] | undefined {
  return members.find((m) => m.path === path)?.type;
}

function plausible(members: readonly ModelMember[], path: string): unknown {
  switch (typeOf(members, path)) {
    case 'number':
    case 'timestamp':
      return 1;
    case 'boolean':
      return true;
    case 'list':
      return typeOf(members, `${path}[]`) === undefined ? ['x'] : [plausible(members, `${path}[]`)];
    case 'map':
      return { key: 'value' };
    case 'structure':
    case 'union': {
      // An empty structure asks for nothing; set its first member so the request asks for something.
      const first = members.find((m) => m.path.startsWith(`${path}.`) && !m.path.slice(path.length + 1).includes('.'));
      return first
        ? { [first.path.slice(path.length + 1).replace(/\[\]|\{\}/g, '')]: plausible(members, first.path) }
        : {};
    }
    case 'document':
      return {};
    default:
      return 'x';
  }
}

/** Sets the member at `path` (creating the members that hold it) to a plausible value. */
function place(body: Record<string, unknown>, path: string, members: readonly ModelMember[]): void {
  const steps = path.split('.');
  let holder: Record<string, unknown> = body;
  let at = '';
  steps.forEach((step, i) => {
    const name = step.replace(/\[\]|\{\}/g, '');
    at = at === '' ? name : `${at}.${name}`;
    const last = i === steps.length - 1;
    if (last && !step.endsWith('[]')) {
      holder[name] = plausible(members, at);
      return;
    }
    if (step.endsWith('[]')) {
      const list = Array.isArray(holder[name]) ? (holder[name] as unknown[]) : [];
      at = `${at}[]`;
      if (last) {
        list[0] = plausible(members, at);
      } else if (typeof list[0] !== 'object' || list[0] === null) list[0] = {};
      holder[name] = list;
      if (!last) holder = list[0] as Record<string, unknown>;
      return;
    }
    if (typeof holder[name] !== 'object' || holder[name] === null || Array.isArray(holder[name])) holder[name] = {};
    holder = holder[name] as Record<string, unknown>;
  });
}
