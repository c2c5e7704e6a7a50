import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Each package and the relkit packages it may import (lower layers only); see docs/architecture.md. */
const FOUNDATION = [];
const LAYERS = {
  kit: FOUNDATION,
  runner: FOUNDATION,
  sandbox: FOUNDATION,
  oci: ['kit'],
  changes: ['kit'],
  'version-files': ['kit', 'changes'],
  relnotes: ['kit'],
  release: ['kit'],
  'branch-lock': ['kit'],
  'image-wait': ['kit', 'oci'],
  promotion: ['kit', 'changes', 'oci', 'version-files'],
  publish: ['kit', 'changes'],
  rehearsal: ['kit', 'publish', 'runner', 'sandbox'],
  cli: ['kit', 'changes', 'publish', 'rehearsal', 'runner', 'sandbox', 'version-files'],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.tmp/**', 'coverage/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', AbortSignal: 'readonly', fetch: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' },
    },
    rules: {
      // Tests read GraphQL answers loosely; shipped code may not (see the typed block below).
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Packages stay usable outside Actions: only action adapters and the CLI may touch @actions/core.
      'no-restricted-imports': 'off',
    },
  },
  // Type-aware rules on shipped code: a promise nobody awaits, an `any` that spreads, a cast that changes nothing.
  ...tseslint.configs.recommendedTypeChecked.map((config) => ({ ...config, files: ['packages/**/*.ts', 'actions/**/*.ts'] })),
  {
    files: ['packages/**/*.ts', 'actions/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      // Handlers satisfy async interfaces (action handlers, file sources) with synchronous bodies on purpose.
      '@typescript-eslint/require-await': 'off',
      // `x!` hides a case the types say can happen: handle it, or say in an eslint-disable comment why it cannot.
      '@typescript-eslint/no-non-null-assertion': 'error',
    },
  },
  // The layers of docs/architecture.md: a package imports only the relkit packages below it.
  ...Object.entries(LAYERS).map(([name, allowed]) => ({
    files: [`packages/${name}/src/**/*.ts`],
    ignores: ['packages/kit/src/action/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: name === 'cli' ? [] : [{ name: '@actions/core', message: 'Packages take injected clients; only action adapters (via @relkit/kit/action) and the CLI touch @actions/core.' }],
          patterns: [
            {
              group: ['@relkit/*', ...allowed.map((a) => `!@relkit/${a}`), ...(allowed.includes('kit') ? ['!@relkit/kit/*'] : [])],
              message: `@relkit/${name} may import only ${allowed.length ? allowed.map((a) => `@relkit/${a}`).join(', ') : 'no relkit package'} (its layer in docs/architecture.md); move the shared code down a layer instead of importing upward.`,
            },
          ],
        },
      ],
    },
  })),
  {
    // The sandbox's GraphQL side shares domain operations with REST through repo-ops, not through REST routes.
    files: ['packages/sandbox/src/graphql*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['./rest/*'], message: 'Shared sandbox logic belongs in repo-ops.ts or model.ts, not in a REST route module.' }] }] },
  },
);
