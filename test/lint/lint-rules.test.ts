import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The linter `npm test` runs catches what it is there for: each fixture holds one fault, and the
 * lint of that fixture names exactly the rule for it. A rule dropped from eslint.config.js, or
 * a config that stops type-checking, fails here rather than silently guarding nothing.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const fixturePath = (name: string): string => fileURLToPath(new URL(`fixtures/${name}.ts`, import.meta.url));

const cases: ReadonlyArray<{ fault: string; fixture: string; rules: string[] }> = [
  { fault: 'a floating promise', fixture: 'floating-promise', rules: ['@typescript-eslint/no-floating-promises'] },
  {
    fault: 'an async callback where a void one is expected',
    fixture: 'misused-promise',
    rules: ['@typescript-eslint/no-misused-promises'],
  },
  { fault: 'an await of a non-promise', fixture: 'await-thenable', rules: ['@typescript-eslint/await-thenable'] },
  {
    fault: 'a named import of zod that would put all of zod in a bundle',
    fixture: 'zod-named-import',
    rules: ['no-restricted-syntax'],
  },
  { fault: 'a focused test', fixture: 'focused-test', rules: ['vitest/no-focused-tests'] },
  { fault: 'a skipped test', fixture: 'disabled-test', rules: ['vitest/no-disabled-tests'] },
];

describe('the linter', () => {
  const results = new Map<string, ESLint.LintResult>();

  // One lint of every fixture: building the type-checked program is the slow part, so it is paid once.
  beforeAll(async () => {
    // The fixtures are in the config's ignores so that `npm run lint` passes; this lint reads them anyway.
    const eslint = new ESLint({ cwd: root, ignore: false });
    const names = [...cases.map((entry) => entry.fixture), 'clean'];
    for (const result of await eslint.lintFiles(names.map(fixturePath))) results.set(result.filePath, result);
  }, 120_000);

  const ruleIdsOf = (name: string) => {
    const result = results.get(fixturePath(name));
    expect(result?.messages.filter((message) => message.fatal)).toEqual([]);
    return result?.messages.map((message) => message.ruleId);
  };

  for (const { fault, fixture, rules } of cases) {
    it(`flags ${fault}, and nothing else, in test/lint/fixtures/${fixture}.ts`, () => {
      expect(ruleIdsOf(fixture)).toEqual(rules);
    });
  }

  it('lets awaited work and fire-and-forget spelt with void through', () => {
    expect(ruleIdsOf('clean')).toEqual([]);
  });

  it('runs as part of npm test', () => {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(manifest.scripts['test']).toMatch(/\bnpm run lint\b/);
    expect(manifest.scripts['lint']).toMatch(/^eslint\b/);
  });
});
