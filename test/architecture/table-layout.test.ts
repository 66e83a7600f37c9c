import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import * as domain from '#shared/domain/collections.ts';
import * as security from '#shared/security/collections.ts';
import { clusterPolicies } from '#shared/security/cluster-policy.ts';
import { storedSecrets } from '#shared/security/secret-api.ts';

/**
 * Only the modules that define a collection may spell where its items live:
 * everyone else calls `collection.key(...)` / `collection.partition(...)`.
 * A hand-spelt `TASK#${cluster}` elsewhere would silently keep the old layout
 * if the collection's ever changed.
 */

const MARK = '\u0000';

/** What each collection's partitions start with, read from the collections themselves. */
function partitionSpellings(): string[] {
  const collections = [...Object.values(domain), ...Object.values(security), clusterPolicies, storedSecrets];
  const spellings = new Set<string>();
  for (const c of collections) {
    if (typeof c !== 'object' || c === null || !('partition' in c) || typeof c.partition !== 'function') continue;
    const partition = (c.partition as (...parts: string[]) => string)(MARK);
    // A per-cluster (or per-day, ...) partition is spelt `PREFIX#${...}`; a fixed one is a whole quoted word.
    spellings.add(partition.includes(MARK) ? partition.slice(0, partition.indexOf(MARK)) : partition);
  }
  return [...spellings];
}

interface Spelling {
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

/** Lines of `text` that spell one of the partitions in a string literal (comments aside). */
function spelledPartitions(file: string, text: string, spellings: readonly string[]): Spelling[] {
  const found: Spelling[] = [];
  const patterns = spellings.map((s) =>
    s.endsWith('#') ? new RegExp(`['"\`]${escape(s)}`) : new RegExp(`(['"\`])${escape(s)}\\1`),
  );
  text.split('\n').forEach((line, index) => {
    const code = line.trimStart();
    if (code.startsWith('*') || code.startsWith('//') || code.startsWith('/*')) return;
    if (patterns.some((p) => p.test(line))) found.push({ file, line: index + 1, text: line.trim() });
  });
  return found;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function sourceFiles(): string[] {
  const listed = execFileSync('git', ['ls-files', '--', 'shared', 'functions', 'agent'], { encoding: 'utf8' });
  return listed.split('\n').filter((f) => f.endsWith('.ts'));
}

describe('the table layout has one home', () => {
  const spellings = partitionSpellings();

  it('knows the partitions the collections define', () => {
    expect(spellings).toEqual(
      expect.arrayContaining(['TASK#', 'INSTANCE#', 'CLUSTER', 'AGENTCRED#', 'AUDIT#', 'SIGV4#']),
    );
  });

  it('finds a partition spelt by hand (a test of the check)', () => {
    const bad =
      "const page = await readAll(ctx.store, tasks, `TASK#${cluster}`);\nawait store.get(clusters, { partition: 'CLUSTER', sort: n });";
    expect(spelledPartitions('virtual.ts', bad, spellings).map((s) => s.line)).toEqual([1, 2]);
    expect(
      spelledPartitions('virtual.ts', "// `TASK#${cluster}` in a comment\nconst c = 'CLUSTERS';", spellings),
    ).toEqual([]);
  });

  it('no source file outside the collections spells a partition', () => {
    const offenders = sourceFiles()
      .map((file) => ({ file, text: readFileSync(file, 'utf8') }))
      // The modules that define collections are the layout.
      .filter(({ text }) => !/\b(KeyedCollection|inOnePartition|perCluster)</.test(text))
      .flatMap(({ file, text }) => spelledPartitions(file, text, spellings));
    expect(offenders.map((o) => `${o.file}:${o.line}: ${o.text}`)).toEqual([]);
  });
});
