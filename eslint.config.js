// ESLint (flat config): JavaScript's and typescript-eslint's recommended rules everywhere, Vue's for
// the dashboard's single-file components, and eslint-config-prettier last so that formatting is
// Prettier's alone (docs/style.md).
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import prettier from 'eslint-config-prettier';
import vue from 'eslint-plugin-vue';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  // ESLint does not read .gitignore: its generated and scratch folders are listed here.
  { ignores: ['node_modules/', 'dist/', '.data/', 'coverage/', 'test-artifacts/', '.scratch/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    files: ['dashboard/**/*.{ts,vue}'],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['server/**', 'scripts/**', 'test/**', '*.ts', '*.js'],
    languageOptions: { globals: globals.node },
  },
  {
    // A test may define small components side by side to mount them together, and reads the API's
    // JSON answers dynamically.
    files: ['test/**'],
    rules: { 'vue/one-component-per-file': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Cube's model files: `cube`, `FILTER_PARAMS`, `CUBE`… are globals of Cube's compiler, and members
    // of other cubes are bare names inside its template literals (`${counted_items}`), which no-undef
    // cannot know.
    files: ['model/**/*.js'],
    rules: { 'no-undef': 'off' },
  },
  {
    rules: {
      // `_name` marks a parameter a signature needs but the body does not use.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  prettier,
);
