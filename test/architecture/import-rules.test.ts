import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importEdges, readSourceFiles, readSubpathImports, repositoryRoot } from './import-graph.ts';
import { describeCycle, importCycles } from './import-cycles.ts';
import { folderOf, layerViolations, type Violation } from './import-rules.ts';
import { KNOWN_EXCEPTIONS, SHARED_LAYERS, SOURCE_ROOTS, TOP_LEVEL } from './layers.ts';

const root = repositoryRoot(fileURLToPath(import.meta.url));
const edges = importEdges(readSourceFiles(root, SOURCE_ROOTS), readSubpathImports(root));

const listed = (violations: readonly Violation[]): string[] =>
  violations.map((v) => `${v.at} imports '${v.specifier}': ${v.rule}`);

describe('import rules of the source tree', () => {
  it('finds the imports it checks', () => {
    // Guards the walk itself: an empty graph would pass every rule.
    expect(edges.filter((e) => e.from.startsWith('shared/')).length).toBeGreaterThan(300);
  });

  it('keeps the top level one-way: bin -> functions -> agent -> shared', () => {
    expect(listed(layerViolations(edges, TOP_LEVEL))).toEqual([]);
  });

  it('keeps every folder inside shared/ to the layers below it', () => {
    expect(listed(layerViolations(edges, SHARED_LAYERS, KNOWN_EXCEPTIONS))).toEqual([]);
  });

  it('has no import cycle between source files', () => {
    const sources = edges.filter((e) => !e.from.startsWith('test/'));
    expect(importCycles(sources).map(describeCycle)).toEqual([]);
  });

  it('lists only exceptions that are still needed', () => {
    const needed = (e: (typeof KNOWN_EXCEPTIONS)[number]) =>
      edges.some(
        (edge) =>
          edge.from === e.from &&
          edge.target.kind === 'file' &&
          folderOf(edge.target.path, SHARED_LAYERS)?.folder === e.to,
      );
    expect(KNOWN_EXCEPTIONS.filter((e) => !needed(e))).toEqual([]);
  });

  it.each([
    ['shared/', SHARED_LAYERS],
    ['the top level', TOP_LEVEL],
  ])('orders the folders of %s as layers: no folder may import one that may import it', (_, rules) => {
    const rulesAsEdges = rules.flatMap((rule) =>
      rule.mayImport.map((to) => ({
        from: rule.folder,
        line: 0,
        specifier: to,
        target: { kind: 'file' as const, path: to },
      })),
    );
    expect(importCycles(rulesAsEdges).map(describeCycle)).toEqual([]);
  });

  it('gives every folder of shared/ a place in the layers', () => {
    const folders = readdirSync(join(root, 'shared'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `shared/${entry.name}`);
    expect(folders.filter((folder) => !SHARED_LAYERS.some((rule) => rule.folder === folder))).toEqual([]);
  });
});

describe('the import-rule check itself', () => {
  const tree = (files: Record<string, string>) => importEdges(new Map(Object.entries(files)));

  it('reports a back-import inside shared/ with its file, line and rule', () => {
    const wrong = tree({
      'shared/schemas/task.ts': "import { z } from 'zod';\nimport { runTask } from '../control/tasks.ts';\n",
      'shared/control/tasks.ts': 'export const runTask = 1;\n',
    });
    expect(layerViolations(wrong, SHARED_LAYERS)).toEqual([
      {
        at: 'shared/schemas/task.ts:2',
        specifier: '../control/tasks.ts',
        rule: 'shared/schemas/ may not import shared/control/ (it may import nothing else)',
      },
    ]);
  });

  it('reports an import running up the top level, through a package subpath too', () => {
    const wrong = importEdges(
      new Map([
        ['agent/agent.ts', "import { createApp } from '#functions/api/app.ts';\n"],
        ['functions/api/app.ts', 'export const createApp = 1;\n'],
      ]),
      { '#functions/*': './functions/*' },
    );
    expect(listed(layerViolations(wrong, TOP_LEVEL))).toEqual([
      "agent/agent.ts:1 imports '#functions/api/app.ts': agent/ may not import functions/ (it may import shared)",
    ]);
  });

  it('reports a package shared/ may not use', () => {
    const wrong = tree({ 'shared/ports/store.ts': "\n\nimport { DynamoDBClient } from '@aws-sdk/client-dynamodb';\n" });
    expect(listed(layerViolations(wrong, SHARED_LAYERS))).toEqual([
      "shared/ports/store.ts:3 imports '@aws-sdk/client-dynamodb': shared/ports/ may import only zod, node:crypto, node:path from outside the repository",
    ]);
  });

  it('reports a cycle, type-only and dynamic imports included', () => {
    const cyclic = tree({
      'shared/agent/a.ts': "import type { B } from './b.ts';\n",
      'shared/agent/b.ts': "export type B = 1;\nconst c = await import('./c.ts');\n",
      'shared/agent/c.ts': "export { a } from './a.ts';\n",
      'shared/agent/d.ts': "import './a.ts';\n",
    });
    expect(importCycles(cyclic).map(describeCycle)).toEqual([
      'shared/agent/a.ts:1 -> shared/agent/b.ts:2 -> shared/agent/c.ts:1 -> shared/agent/a.ts',
    ]);
  });

  it('passes an import allowed by the table', () => {
    const fine = tree({
      'shared/control/tasks.ts': "import { placeTask } from '../scheduler/pipeline.ts';\n",
      'shared/scheduler/pipeline.ts': 'export const placeTask = 1;\n',
    });
    expect(layerViolations(fine, SHARED_LAYERS)).toEqual([]);
    expect(importCycles(fine)).toEqual([]);
  });
});
