import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.tmp/**', 'coverage/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', AbortSignal: 'readonly', fetch: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Packages stay usable outside Actions: only action adapters and the CLI may touch @actions/core.
      'no-restricted-imports': 'off',
    },
  },
  {
    files: ['packages/*/src/**/*.ts'],
    ignores: ['packages/kit/src/action/**', 'packages/cli/src/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: '@actions/core', message: 'Packages take injected clients; only action adapters (via @relkit/kit/action) and the CLI touch @actions/core.' }] }] },
  },
);
