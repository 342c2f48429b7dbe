import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  plugins: [svelte()],
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true },
  server: { port: 5173, strictPort: false },
  preview: { port: 4173, strictPort: true },
  test: {
    // Playwright specs live in tests/e2e and must never be collected by Vitest.
    include: ['src/**/*.test.ts', 'bench/**/*.test.ts', 'gateway/**/*.test.ts'],
    environment: 'node',
    // CI reads the totals from this JSON file (.ci/run → scripts/ci-summary.mjs).
    reporters: ['default', ['json', { outputFile: 'reports/vitest.json' }]],
    // The seed sweeps take ~30 s alone; on a loaded 2-core machine several times that. A hang still fails.
    testTimeout: 600_000,
  },
});
