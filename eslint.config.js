// Lint rules Berth enforces in `npm test`. Formatting is Prettier's job (npm run format), so
// only rules that catch bugs or hide tests live here, and every rule is an error: a warning
// nobody reads guards nothing.
import vitest from '@vitest/eslint-plugin';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    // test/lint/fixtures/ holds deliberate faults; test/lint/lint-rules.test.ts lints them on purpose.
    ignores: ['node_modules/', '.tools/', 'cdk.out/', 'dist/', 'coverage/', '.berth/', 'test/lint/fixtures/'],
  },
  {
    // A disable comment that no longer suppresses anything is stale reasoning: drop it.
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      // The type-aware rules below need the program tsc builds, so lint reads tsconfig.json.
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      // A promise nobody awaits loses its rejection (an unhandled rejection ends the agent) and its
      // ordering; fire-and-forget must be spelt `void` with a comment saying why.
      '@typescript-eslint/no-floating-promises': 'error',
      // An async callback where a void one is expected (an event handler, forEach, setInterval)
      // runs unawaited, so its failure escapes every try around the call.
      '@typescript-eslint/no-misused-promises': 'error',
      // Awaiting a non-promise is a sign the author believed something async that is not.
      '@typescript-eslint/await-thenable': 'error',
      // `import { z } from 'zod'` hands esbuild zod's whole namespace object, so every Lambda
      // bundle would carry all of zod (its 40-odd locales, JSON Schema conversion) whether used or
      // not: about 360 KB more per function. `import * as z` lets it keep only what is called.
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportDeclaration[source.value='zod'][importKind='value'] > ImportSpecifier[imported.name='z']",
          message: "Import zod as `import * as z from 'zod'`: the named `z` puts all of zod in every Lambda bundle.",
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    plugins: { vitest },
    rules: {
      // A focused test silently turns every other test of the run off; a skipped one stops guarding.
      'vitest/no-focused-tests': 'error',
      'vitest/no-disabled-tests': 'error',
    },
  },
);
