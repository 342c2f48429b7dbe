import js from '@eslint/js';
import ts from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import svelteConfig from './svelte.config.js';

/** The engine is pure: no clock, timers, randomness or browser APIs (DESIGN §2). */
const engineBans = {
  'no-restricted-globals': [
    'error',
    ...[
      'setTimeout',
      'setInterval',
      'setImmediate',
      'clearTimeout',
      'clearInterval',
      'requestAnimationFrame',
      'queueMicrotask',
      'performance',
      'indexedDB',
      'localStorage',
      'sessionStorage',
      'postMessage',
      'window',
      'document',
      'navigator',
      'self',
      'globalThis',
      'crypto',
      'fetch',
      'Date',
    ].map((name) => ({
      name,
      message: 'src/engine is pure and deterministic: use the kernel clock, timers and PRNG.',
    })),
  ],
  'no-restricted-properties': [
    'error',
    { object: 'Math', property: 'random', message: 'Use the seeded PRNG (src/engine/kernel/prng.ts).' },
  ],
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        {
          group: ['**/worker/**', '**/ui/**', '**/lessons/**'],
          message: 'src/engine imports nothing outside src/engine.',
        },
      ],
    },
  ],
};

/**
 * One door into the engine (DESIGN §1): outside src/engine, code imports only src/engine/index.ts.
 * Tests and benchmarks may also use the engine's test kit (src/engine/testing/).
 */
const engineDoorPattern = (allowTestKit) => ({
  regex: allowTestKit ? '(^|/)engine/(?!index(\\.ts)?$|testing/)' : '(^|/)engine/(?!index(\\.ts)?$)',
  message: 'Outside src/engine, import the engine only through src/engine/index.ts.',
});

/**
 * The main thread and the worker meet only in src/bridge (the typed protocol, its client and the
 * plain data both sides read): the page and the lessons import nothing from src/worker (they start
 * it with `new Worker(new URL(...))`, which is not an import), the worker nothing from the page or
 * the lessons, and the bridge neither side (its tests may drive both: the real worker host and the
 * page's views, e.g. seek-equivalence.test.ts).
 */
const layerBans = {
  page: [
    { regex: '(^|/)worker/', message: 'src/ui and src/lessons reach the worker only through src/bridge.' },
  ],
  worker: [
    { regex: '(^|/)(ui|lessons)/', message: 'src/worker imports nothing from the page or the lessons.' },
  ],
  bridge: [
    {
      regex: '(^|/)(worker|ui|lessons)/',
      message: 'src/bridge belongs to both sides: it imports only the engine facade and itself.',
    },
  ],
};

const engineDoor = (allowTestKit, bans = []) => ({
  'no-restricted-imports': ['error', { patterns: [engineDoorPattern(allowTestKit), ...bans] }],
});

/** Flat config takes the last `no-restricted-imports` that matches a file, so each layer repeats the door. */
const layer = (globs, bans, { tests = true } = {}) => [
  {
    files: globs.flatMap((g) => [`${g}/**/*.ts`, `${g}/**/*.svelte`]),
    ignores: ['**/*.test.ts'],
    rules: engineDoor(false, bans),
  },
  ...(tests ? [{ files: globs.map((g) => `${g}/**/*.test.ts`), rules: engineDoor(true, bans) }] : []),
];

export default ts.config(
  { ignores: ['dist/', 'node_modules/', 'test-results/', 'playwright-report/', 'reports/', 'coverage/'] },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'], svelteConfig } },
  },
  { files: ['src/engine/**/*.ts'], ignores: ['src/engine/**/*.test.ts'], rules: engineBans },
  {
    files: ['src/**/*.ts', 'src/**/*.svelte', 'bench/**/*.ts', 'tests/**/*.ts', 'gateway/**/*.ts'],
    ignores: ['src/engine/**', '**/*.test.ts', 'bench/**', 'tests/**'],
    rules: engineDoor(false),
  },
  {
    files: ['**/*.test.ts', 'bench/**/*.ts', 'tests/**/*.ts'],
    ignores: ['src/engine/**'],
    rules: engineDoor(true),
  },
  ...layer(['src/ui', 'src/lessons'], layerBans.page),
  ...layer(['src/worker'], layerBans.worker),
  ...layer(['src/bridge'], layerBans.bridge, { tests: false }),
);
