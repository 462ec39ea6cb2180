// @ts-check
// Lint (issue 19): correctness rules, no style. The point is the promise rules: a promise nobody awaits loses its
// errors (an unhandled rejection ends the server), and an async function handed to a callback that expects void
// (onSubmit, setTimeout, addEventListener) does the same. Formatting is left to the editor.
import { defineConfig } from 'eslint/config';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default defineConfig(
  {
    ignores: [
      'dist/**',
      'data/**',
      'test-artifacts/**',
      'scratch/**',
      'bench/**/_scratch/**',
      // Tables written by src/domain/*/build/generate-*.ts: large, and fixed by regenerating them, not by hand.
      '**/*.generated.ts',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['warn', {
        argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_',
        // `const { dropped: _dropped, ...rest } = row` is how a field is left out of a copy.
        ignoreRestSiblings: true,
      }],
      // Normalisation finds and strips control characters on purpose (storable.ts, grams.ts, email.ts).
      'no-control-regex': 'off',
      // Japanese text holds the ideographic space (U+3000) in strings, patterns and comments; elsewhere it is a typo.
      'no-irregular-whitespace': ['error', { skipStrings: true, skipComments: true, skipRegExps: true, skipTemplates: true, skipJSXText: true }],
    },
  },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mts'],
    languageOptions: {
      // Type-aware: the promise rules need the types of tsconfig.json's program.
      parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', {
        // node:test's runner awaits what test() and describe() return: that is how tests are written.
        allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] }],
      }],
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    // Tests read JSON bodies and fake browser globals loosely typed.
    files: ['test/**', 'e2e/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Node scripts outside tsconfig.json's program (bin/, scripts/, bench workers, the PGlite init file).
    files: ['**/*.mjs'],
    languageOptions: { globals: globals.node },
  },
  {
    // Served to browsers as plain scripts, written small (the tracker is kept under 3 KB gzipped): `a && b()` stands for
    // an if, and an empty catch means the host page must never see the script fail.
    files: ['src/intake/tracker/snippet.js', 'src/intake/forms/public/forms-client.js'],
    languageOptions: { globals: globals.browser, sourceType: 'script' },
    rules: {
      'no-empty': ['error', { allowEmptyCatch: true }],
      '@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
      '@typescript-eslint/no-unused-vars': ['warn', { caughtErrors: 'none' }],
    },
  },
);
