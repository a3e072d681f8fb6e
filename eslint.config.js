// Shared flat config for every package and app: type-aware rules through the
// project service, so each package's own tsconfig.json is what eslint sees.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/bundle/**', '**/node_modules/**', '**/.turbo/**', '**/coverage/**', '.ci/**', '**/bench-results/**', '**/test-results/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: ['*.js', '*.mjs'],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // Bit twiddling is the point of several packages.
      'no-bitwise': 'off',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // `this: void` marks ops members as plain functions (see @twq/core's Ops).
      '@typescript-eslint/no-invalid-void-type': ['error', { allowAsThisParameter: true }],
      // Error messages name bad values of any type, whatever String() makes of them.
      '@typescript-eslint/no-base-to-string': 'off',
      // Abort reasons are whatever the caller passed to abort().
      '@typescript-eslint/prefer-promise-reject-errors': 'off',
      // Spin loops and worker loops are infinite by design and exit by return.
      'no-constant-condition': ['error', { checkLoops: false }],
      '@typescript-eslint/no-unnecessary-condition': ['error', { allowConstantLoopConditions: true }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { ...globals.node, ...globals.browser },
    },
  },
);
