// ESLint flat config: @eslint/js recommended plus typescript-eslint's recommended type-checked rules, with type
// information from tsconfig.json (which includes src/, test/ and bench/). `npm run lint` runs it; `npm test` runs it
// between the type check and the tests.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    // Build output, installed packages, coverage reports and local state: nothing here is source.
    ignores: ['dist/', 'dist-bench/', 'node_modules/', 'coverage/', 'data/'],
  },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // `const { report: _report, ...rest } = x` is how the code leaves a field out of a copy, and a leading
      // underscore marks a parameter a signature requires but the body does not use: neither is dead code.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // Test doubles implement Promise-returning interfaces with `async () => value`: the idiomatic stub, not a
    // missing await.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/require-await': 'off' },
  },
  {
    // This file is plain JavaScript outside tsconfig.json: no type information, so no type-aware rules.
    files: ['**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      globals: { console: 'readonly', process: 'readonly' },
    },
  },
);
