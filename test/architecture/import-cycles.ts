import type { ImportEdge } from './import-graph.ts';

/**
 * Import cycles between files (type-only imports count: they tie the files'
 * meaning together as much as value imports do). Each cycle is returned as the
 * edges that close it, in order.
 */
export function importCycles(edges: readonly ImportEdge[]): ImportEdge[][] {
  const out = new Map<string, ImportEdge[]>();
  for (const component of stronglyConnected(edges)) {
    if (component.size < 2 && !selfImport(edges, component)) continue;
    const cycle = cycleWithin(edges, component);
    out.set(
      cycle
        .map((e) => e.from)
        .sort()
        .join(' '),
      cycle,
    );
  }
  return [...out.values()];
}

function selfImport(edges: readonly ImportEdge[], component: ReadonlySet<string>): boolean {
  return edges.some((e) => component.has(e.from) && e.target.kind === 'file' && e.target.path === e.from);
}

function fileEdges(edges: readonly ImportEdge[]): Map<string, ImportEdge[]> {
  const byFile = new Map<string, ImportEdge[]>();
  for (const edge of edges) {
    if (edge.target.kind !== 'file') continue;
    byFile.set(edge.from, [...(byFile.get(edge.from) ?? []), edge]);
  }
  return byFile;
}

const targetPath = (edge: ImportEdge): string => (edge.target.kind === 'file' ? edge.target.path : '');

/** Tarjan's algorithm, iterative over the edge lists so deep graphs cannot overflow the stack. */
function stronglyConnected(edges: readonly ImportEdge[]): Set<string>[] {
  const byFile = fileEdges(edges);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: Set<string>[] = [];
  let counter = 0;
  for (const start of byFile.keys()) {
    if (index.has(start)) continue;
    const work: { node: string; next: number }[] = [{ node: start, next: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const out = byFile.get(frame.node) ?? [];
      if (frame.next < out.length) {
        const to = targetPath(out[frame.next++]!);
        if (!index.has(to)) {
          index.set(to, counter);
          low.set(to, counter++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, next: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(to)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component = new Set<string>();
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.add(member);
        } while (member !== frame.node);
        components.push(component);
      }
    }
  }
  return components;
}

/** One concrete cycle through a strongly connected set: breadth-first back to its first file. */
function cycleWithin(edges: readonly ImportEdge[], component: ReadonlySet<string>): ImportEdge[] {
  const byFile = fileEdges(edges);
  const start = [...component].sort()[0]!;
  const cameBy = new Map<string, ImportEdge>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const edge of byFile.get(node) ?? []) {
      const to = targetPath(edge);
      if (!component.has(to)) continue;
      if (to === start) return [...pathTo(node, start, cameBy), edge];
      if (!cameBy.has(to)) {
        cameBy.set(to, edge);
        queue.push(to);
      }
    }
  }
  return [];
}

function pathTo(node: string, start: string, cameBy: ReadonlyMap<string, ImportEdge>): ImportEdge[] {
  const path: ImportEdge[] = [];
  for (let at = node; at !== start;) {
    const edge = cameBy.get(at)!;
    path.unshift(edge);
    at = edge.from;
  }
  return path;
}

/** A cycle as people read it: `a.ts:3 -> b.ts:7 -> a.ts`. */
export const describeCycle = (cycle: readonly ImportEdge[]): string =>
  `${cycle.map((e) => `${e.from}:${e.line}`).join(' -> ')} -> ${cycle[0]?.from ?? ''}`;
