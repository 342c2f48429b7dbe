import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig, type Plugin } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

/**
 * The Node modules KafkaJS requires, for the Code tool's worker (src/code): small browser stand-ins
 * in place of `events`, `util` and `assert`, and modules that say what is missing for `zlib`, `crypto`,
 * `net` and `tls`. Only worker bundles see this; the page never loads KafkaJS.
 */
function kafkajsNodeShims(): Plugin {
  const shim = (name: string) => fileURLToPath(new URL(`./src/code/shims/${name}.cjs`, import.meta.url));
  const map: Record<string, string> = {
    events: shim('events'),
    util: shim('util'),
    assert: shim('assert'),
    zlib: shim('unsupported'),
    crypto: shim('unsupported'),
    net: shim('unsupported'),
    tls: shim('unsupported'),
  };
  return {
    name: 'streamlab:kafkajs-node-shims',
    enforce: 'pre',
    resolveId(id) {
      return map[id.replace(/^node:/, '')];
    },
  };
}

/** Test files that use vi.mock: they need a module registry of their own (see `projects`). */
const MOCKED = ['src/engine/testing/sweep-invariants.test.ts'];

export default defineConfig({
  plugins: [svelte()],
  worker: { format: 'es', plugins: () => [kafkajsNodeShims()] },
  build: { target: 'es2022', sourcemap: true },
  server: { port: 5173, strictPort: false },
  preview: { port: 4173, strictPort: true },
  test: {
    environment: 'node',
    // CI reads the totals from this JSON file (.ci/run → scripts/ci-summary.mjs).
    reporters: ['default', ['json', { outputFile: 'reports/vitest.json' }]],
    // The seed sweeps take ~30 s alone; on a loaded 2-core machine several times that. A hang still fails.
    testTimeout: 600_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          // Playwright specs live in tests/e2e and must never be collected by Vitest.
          include: ['src/**/*.test.ts', 'bench/**/*.test.ts', 'gateway/**/*.test.ts'],
          // One module registry per worker, not per file: importing the engine once instead of once per
          // file halves the suite's CPU time. Tests keep no state in modules between files.
          isolate: false,
          exclude: [...configDefaults.exclude, ...MOCKED],
        },
      },
      // vi.mock replaces modules for the whole registry, so files that mock run isolated.
      { extends: true, test: { name: 'mocked', include: MOCKED } },
    ],
  },
});
