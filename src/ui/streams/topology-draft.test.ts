import { describe, expect, it } from 'vitest';
import { blankStep, checkDraft, starterDraft, type DraftStep } from './topology-draft';

const wordCountish = (): DraftStep[] => [
  { ...blankStep('in', 'stream'), topic: 'purchases' },
  { ...blankStep('byUser', 'selectKey', 'in'), key: 'value.user' },
  { ...blankStep('g', 'groupByKey', 'byUser') },
  { ...blankStep('w', 'windowedBy', 'g'), windowType: 'tumbling', sizeMs: '3600000', graceMs: '600000' },
  { ...blankStep('count', 'aggregate', 'w'), kind: 'count', store: 'per-hour' },
  { ...blankStep('final', 'suppress', 'count') },
  { ...blankStep('out', 'toStream', 'final') },
  { ...blankStep('many', 'filter', 'out'), predicate: 'value > 10' },
  { ...blankStep('to', 'to', 'many'), topic: 'alerts' },
];

describe('the topology editor draft', () => {
  it('builds the spec, Java DSL and describe() text of a valid pipeline (split at the repartition topic)', () => {
    const r = checkDraft(wordCountish());
    expect(r.errors).toEqual([]);
    expect(r.spec?.steps.map((s) => s.op)).toEqual([
      'stream',
      'selectKey',
      'groupByKey',
      'windowedBy',
      'aggregate',
      'suppress',
      'toStream',
      'filter',
      'to',
    ]);
    expect(r.describe).toContain('Sub-topology: 1');
    expect(r.describe).toContain('KSTREAM-KEY-SELECT-0000000001');
    expect(r.describe).toMatch(/Sink: .* \(topic: alerts\)/);
    expect(r.java).toContain('.windowedBy(TimeWindows.ofSizeAndGrace(');
    expect(r.java).toContain('Suppressed.untilWindowCloses');
  });

  it('pins a bad expression to its row and field, with the parser’s column', () => {
    const rows = wordCountish();
    rows[7]!.predicate = 'value >';
    const r = checkDraft(rows);
    expect(r.spec).toBeNull();
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ row: 7, field: 'predicate' });
    expect(r.errors[0]!.message).toMatch(/Expression "value >", column/);
  });

  it('refuses code: names outside key, value and timestamp are not evaluated but rejected', () => {
    const rows = starterDraft('orders', 'big-orders');
    rows[1]!.predicate = 'globalThis.alert(1)';
    const r = checkDraft(rows);
    expect(r.errors[0]).toMatchObject({ row: 1, field: 'predicate' });
  });

  it('reports structural problems on the row they are about (Kafka’s rules: suppress needs windows)', () => {
    const rows = wordCountish();
    rows.splice(3, 1); // no windowedBy: count is a plain KTable
    rows[3]!.from = 'g';
    const r = checkDraft(rows);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.row).toBe(4);
    expect(r.errors[0]!.message).toContain('suppress(untilWindowCloses) needs a windowed aggregation');
  });

  it('a step continuing from a later or missing step is an error on that row', () => {
    const rows = starterDraft('orders', 'big-orders');
    rows[2]!.from = 'nope';
    expect(checkDraft(rows).errors[0]).toMatchObject({ row: 2 });
    expect(checkDraft(rows).errors[0]!.message).toContain(
      'continues from nope, which is not an earlier step',
    );
  });

  it('window arguments must be whole milliseconds; hopping windows follow Kafka’s advance rule', () => {
    const rows = wordCountish();
    rows[3]!.sizeMs = '1h';
    expect(checkDraft(rows).errors[0]).toMatchObject({ row: 3, field: 'sizeMs' });
    rows[3] = { ...rows[3]!, windowType: 'hopping', sizeMs: '1000', advanceMs: '2000' };
    expect(checkDraft(rows).errors[0]!.message).toContain(
      'Window advancement interval should be more than zero',
    );
  });

  it('split makes one branch per predicate line plus a default branch', () => {
    const rows: DraftStep[] = [
      { ...blankStep('in', 'stream'), topic: 'orders' },
      { ...blankStep('s', 'split', 'in'), branches: 'value.amount > 100\nvalue.amount > 10' },
      { ...blankStep('big', 'to', 's-1'), topic: 'big' },
      { ...blankStep('rest', 'to', 's-default'), topic: 'rest' },
    ];
    const r = checkDraft(rows);
    expect(r.errors).toEqual([]);
    expect(r.describe).toContain('KSTREAM-BRANCH-');
  });
});
