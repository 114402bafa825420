import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import globals from 'globals';
import tseslint from 'typescript-eslint';


// The layers (ARCHITECTURE.md): dependencies point one way, kernel <- platform <- features <- roots.
// A file outside these elements (tests, bench, scripts) may import anything; migrations import
// nothing from src/, so that changing live code never rewrites history.
const KERNEL = ['access', 'config', 'errors', 'observability', 'crypto', 'i18n'];
const PLATFORM = ['database', 'jobs', 'graphql', 'health'];
const FEATURES = ['agencies', 'users', 'auth', 'keys', 'audit', 'seizures', 'operations', 'alerts', 'federation', 'console'];
const ROOTS = ['app', 'cli', 'demo'];
const layer = (type, folders) => ({ type, pattern: `src/{${folders.join(',')}}` });
const notTo = (...types) => ({ to: { element: { types: { anyOf: types } } } });

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**', 'console/src/gql/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node, ...globals.jest },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'off',
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    files: ['src/**/*.ts', 'migrations/**/*.ts'],
    // Tests (also the *.spec.ts beside the code) are free to reach into any layer.
    ignores: ['**/*.spec.ts'],
    plugins: { boundaries },
    settings: {
      'import/resolver': { typescript: { project: 'tsconfig.json' } },
      'boundaries/elements': [
        layer('kernel', KERNEL),
        layer('platform', PLATFORM),
        layer('feature', FEATURES),
        layer('root', ROOTS),
        { type: 'migration', pattern: 'migrations' },
      ],
    },
    rules: {
      'boundaries/dependencies': ['error', {
        default: 'allow',
        policies: [
          { from: { element: { type: 'kernel' } }, disallow: notTo('platform', 'feature', 'root', 'migration') },
          { from: { element: { type: 'platform' } }, disallow: notTo('feature', 'root', 'migration') },
          { from: { element: { type: 'feature' } }, disallow: notTo('root', 'migration') },
          { from: { element: { type: 'migration' } }, disallow: notTo('kernel', 'platform', 'feature', 'root') },
        ],
      }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { ...globals.node } },
  },
);
