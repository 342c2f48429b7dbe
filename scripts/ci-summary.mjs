#!/usr/bin/env node
/**
 * Prints the closing line CI reads, `N passed, N failed` (plus `, N skipped` when any), from the
 * Vitest and Playwright JSON reports. Their own summary lines are not recognised by CI.
 *
 * Usage: node scripts/ci-summary.mjs [--exit-code N]
 *   --exit-code: how `npm test` (or an earlier step) ended. A failure that no report accounts for
 *   (type check, lint, build, a runner that crashed) counts as one failed test, so it is visible.
 * Exits 1 when anything failed or when no test ran at all.
 */
import { existsSync, readFileSync } from 'node:fs';

const REPORTS = { vitest: 'reports/vitest.json', playwright: 'reports/playwright.json' };

function readJson(path) {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    return { unreadable: String(e) };
  }
}

function emptyCount() {
  return { passed: 0, failed: 0, skipped: 0, notes: [] };
}

/** Vitest's JSON reporter: testResults (files) → assertionResults (tests). */
function countVitest(report) {
  const c = emptyCount();
  if (!report) return c;
  if (report.unreadable) {
    c.failed += 1;
    c.notes.push(`vitest report unreadable: ${report.unreadable}`);
    return c;
  }
  for (const file of report.testResults ?? []) {
    const tests = file.assertionResults ?? [];
    for (const t of tests) {
      if (t.status === 'passed') c.passed += 1;
      else if (t.status === 'failed') c.failed += 1;
      else c.skipped += 1; // skipped, pending, todo, disabled
    }
    // A file that failed before running its tests (an import error) has no failed test in it.
    if (file.status === 'failed' && !tests.some((t) => t.status === 'failed')) {
      c.failed += 1;
      c.notes.push(`vitest: ${file.name} failed to run: ${String(file.message ?? '').split('\n')[0]}`);
    }
  }
  // Unhandled errors make the run fail without failing any one test.
  if (report.success === false && c.failed === 0) {
    c.failed += 1;
    c.notes.push('vitest: the run failed (unhandled error) although no test did');
  }
  return c;
}

/** Playwright's JSON reporter: suites (nested) → specs → tests (one per project) → results. */
function countPlaywright(report) {
  const c = emptyCount();
  if (!report) return c;
  if (report.unreadable) {
    c.failed += 1;
    c.notes.push(`playwright report unreadable: ${report.unreadable}`);
    return c;
  }
  const walk = (suite) => {
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) {
        // One count per test, however many retries it took: flaky means it passed on a retry.
        if (test.status === 'expected' || test.status === 'flaky') c.passed += 1;
        else if (test.status === 'skipped') c.skipped += 1;
        else {
          c.failed += 1;
          c.notes.push(`playwright: ${spec.file}:${spec.line} ${spec.title}`);
        }
      }
    }
    for (const child of suite.suites ?? []) walk(child);
  };
  for (const suite of report.suites ?? []) walk(suite);
  // Errors outside any test: the web server did not start, a spec file did not load, ...
  for (const error of report.errors ?? []) {
    c.failed += 1;
    c.notes.push(`playwright: ${String(error.message ?? error).split('\n')[0]}`);
  }
  return c;
}

function main(argv) {
  const i = argv.indexOf('--exit-code');
  const exitCode = i >= 0 ? Number(argv[i + 1]) : 0;
  const vitest = readJson(REPORTS.vitest);
  const playwright = readJson(REPORTS.playwright);
  const parts = [countVitest(vitest), countPlaywright(playwright)];
  const total = parts.reduce(
    (a, b) => ({
      passed: a.passed + b.passed,
      failed: a.failed + b.failed,
      skipped: a.skipped + b.skipped,
      notes: [...a.notes, ...b.notes],
    }),
    emptyCount(),
  );
  if (exitCode !== 0 && total.failed === 0) {
    total.failed += 1;
    const missing = Object.entries(REPORTS)
      .filter(([, path]) => !existsSync(path))
      .map(([name]) => name);
    total.notes.push(
      `a step failed (exit code ${exitCode}) outside the test reports` +
        (missing.length ? `; no report from: ${missing.join(', ')}` : ''),
    );
  }
  if (total.passed + total.failed === 0) total.notes.push('no test ran');
  for (const note of total.notes) console.log(`ci-summary: ${note}`);
  const skipped = total.skipped > 0 ? `, ${total.skipped} skipped` : '';
  console.log(`${total.passed} passed, ${total.failed} failed${skipped}`);
  return total.failed > 0 || total.passed + total.failed === 0 ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
