import js from '@eslint/js';
import globals from 'globals';
import boundaries from 'eslint-plugin-boundaries';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/**
 * The architecture, enforced. Each folder of src/ is an element; an import that crosses a line
 * not listed in `allow` fails lint (and so CI). The first matching element wins, so the engine's
 * public surface (client, protocol, errors) is listed before the rest of the engine.
 */
const ELEMENTS = [
  { type: 'engine-api', pattern: 'src/engine/{client,protocol,errors}.ts', mode: 'file' },
  { type: 'engine', pattern: 'src/engine' },
  { type: 'lib', pattern: 'src/lib' },
  { type: 'sandbox', pattern: 'src/sandbox' },
  { type: 'feature', pattern: 'src/features/*', capture: ['feature'] },
  { type: 'components', pattern: 'src/components' },
  { type: 'store', pattern: 'src/store' },
  { type: 'app', pattern: 'src/app' },
  { type: 'bench', pattern: 'src/bench' },
  { type: 'main', pattern: 'src/main.tsx', mode: 'file' },
];

const BOUNDARY_RULES = [
  // The engine (worker side) knows nothing of UI, store or features.
  { from: 'engine', allow: ['engine', 'engine-api', 'lib'] },
  { from: 'engine-api', allow: ['engine-api', 'lib'] },
  // Pure logic depends on nothing but itself.
  { from: 'lib', allow: ['lib'] },
  { from: 'sandbox', allow: ['sandbox', 'lib'] },
  // A feature uses its own files, shared logic and UI, the store, and the engine only through
  // its client and protocol; never another feature, never the worker or the model code.
  {
    from: 'feature',
    allow: [
      ['feature', { feature: '${from.feature}' }],
      'lib',
      'components',
      'store',
      'engine-api',
    ],
  },
  { from: 'feature', allow: ['sandbox'], importKind: 'type' },
  { from: 'components', allow: ['components', 'lib'] },
  { from: 'components', allow: ['engine-api'], importKind: 'type' },
  // The store composes the feature slices and owns the engine client and the sandbox instance.
  { from: 'store', allow: ['store', 'feature', 'engine-api', 'sandbox', 'lib'] },
  { from: 'app', allow: ['app', 'feature', 'components', 'store', 'lib'] },
  { from: 'main', allow: ['app', 'store'] },
  { from: 'bench', allow: ['bench', 'engine', 'engine-api', 'lib'] },
];

export default tseslint.config(
  {
    ignores: [
      'dist',
      'node_modules',
      'fixtures/models',
      'bench-out',
      'test-results',
      'playwright-report',
    ],
  },
  {
    files: ['**/*.{ts,tsx}'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: { ecmaVersion: 2023, globals: { ...globals.browser, ...globals.worker } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/**/*.test.{ts,tsx}'],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': ELEMENTS,
      'boundaries/include': ['src/**/*'],
      'import/resolver': { node: { extensions: ['.ts', '.tsx', '.js', '.mjs'] } },
    },
    rules: {
      'boundaries/element-types': ['error', { default: 'disallow', rules: BOUNDARY_RULES }],
      // Every src file belongs to a room of the architecture.
      'boundaries/no-unknown-files': 'error',
      // Cache Storage has one owner (src/engine/model-cache.ts); the UI asks the engine.
      'no-restricted-globals': [
        'error',
        { name: 'caches', message: 'Cache Storage is owned by src/engine/model-cache.ts.' },
      ],
    },
  },
  {
    files: ['src/engine/model-cache.ts'],
    rules: { 'no-restricted-globals': 'off' },
  },
  {
    files: ['scripts/**/*.{js,mjs}', 'e2e/**/*.ts', 'test/**/*.ts', '*.config.{js,ts}'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['**/*.{js,mjs}'],
    extends: [js.configs.recommended],
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node } },
  },
);
