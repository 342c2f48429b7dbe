import { describe, expect, it } from 'vitest';
import { checkTrace } from './checker';
import { reorderScenario, transactionScenario } from '../testing/checker-scenarios';

describe('order within a key', () => {
  it('a retried batch behind a later one, without idempotence: found and allowed', () => {
    const sim = reorderScenario({ idempotent: false });
    const found = checkTrace(sim.events())
      .findings()
      .filter((f) => f.kind === 'reorder');
    expect(found.map((f) => f.verdict)).toEqual(['allowed']);
    expect(found[0]!.because).toMatch(/max\.in\.flight\.requests\.per\.connection=5/);
  });

  it('with idempotence the retry keeps its place', () => {
    const sim = reorderScenario({ idempotent: true });
    expect(checkTrace(sim.events()).findings()).toEqual([]);
  });
});

describe("a transaction's writes seen before it commits", () => {
  it('an engine that let read_committed read past an open transaction is caught', () => {
    const events = transactionScenario().events();
    // The double: the COMMIT marker never written, so the first transaction stays open.
    const forged = events.filter((e) => !(e.type === 'partition.markerWritten' && e.control === 'COMMIT'));
    const found = checkTrace(forged)
      .violations()
      .filter((f) => f.kind === 'uncommitted-read');
    expect(found.map((f) => f.consumer)).toEqual(['c-rc']);
  });
});
