import type { ImportEdge } from './import-graph.ts';
import type { KnownException, LayerRule } from './layers.ts';

/** One import a rule forbids, with where it is and which rule it breaks. */
export interface Violation {
  readonly at: string;
  readonly specifier: string;
  readonly rule: string;
}

/** The listed folder a path belongs to: the longest one containing it. */
export function folderOf(path: string, rules: readonly LayerRule[]): LayerRule | undefined {
  let best: LayerRule | undefined;
  for (const rule of rules) {
    const inside = path === rule.folder || path.startsWith(`${rule.folder}/`);
    if (inside && (best === undefined || rule.folder.length > best.folder.length)) best = rule;
  }
  return best;
}

/** Every edge that one table of rules forbids and no known exception covers. */
export function layerViolations(
  edges: readonly ImportEdge[],
  rules: readonly LayerRule[],
  exceptions: readonly KnownException[] = [],
): Violation[] {
  const out: Violation[] = [];
  for (const edge of edges) {
    const rule = folderOf(edge.from, rules);
    if (rule === undefined) continue;
    const broken = brokenRule(edge, rule, rules);
    if (broken === undefined || excepted(edge, exceptions, rules)) continue;
    out.push({ at: `${edge.from}:${edge.line}`, specifier: edge.specifier, rule: broken });
  }
  return out;
}

function brokenRule(edge: ImportEdge, rule: LayerRule, rules: readonly LayerRule[]): string | undefined {
  if (edge.target.kind === 'package') {
    const allowed = rule.packages === undefined || rule.packages.includes(edge.target.name);
    return allowed
      ? undefined
      : `${rule.folder}/ may import only ${rule.packages?.join(', ')} from outside the repository`;
  }
  const target = folderOf(edge.target.path, rules);
  // Inside a checked folder every import must land in a known place.
  if (target === undefined) return `${edge.target.path} is in no folder of the import rules`;
  if (target.folder === rule.folder || rule.mayImport.includes(target.folder)) return undefined;
  const may = rule.mayImport.length === 0 ? 'nothing else' : rule.mayImport.join(', ');
  return `${rule.folder}/ may not import ${target.folder}/ (it may import ${may})`;
}

function excepted(edge: ImportEdge, exceptions: readonly KnownException[], rules: readonly LayerRule[]): boolean {
  if (edge.target.kind !== 'file') return false;
  const target = folderOf(edge.target.path, rules)?.folder;
  return exceptions.some((e) => e.from === edge.from && e.to === target);
}
