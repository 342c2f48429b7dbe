import { expect, it } from 'vitest';
import { cluster, eventsOf, untilReady } from '../../engine/testing/scenario';
import { emptyHistory, foldFlink } from './flink-history';
import { watermarkPlot } from './flink-plot';
import { checkpointLines, restoreLines } from './flink-view';

it('folds the trace into checkpoints (offsets, 2PC transactions) and a restore after a TaskManager crash', () => {
  const sim = untilReady(cluster(3));
  for (const topic of ['clicks', 'counts'])
    sim.dispatch({ type: 'topic.create', topic, partitions: 2, replicationFactor: 3 });
  sim.dispatch({ type: 'producer.create', producer: 'web', config: { acks: 'all' } });
  sim.dispatch({
    type: 'flink.start',
    taskManagers: 3,
    config: {
      'heartbeat.interval': 200,
      'heartbeat.timeout': 1000,
      'restart-strategy.fixed-delay.delay': 500,
    },
  });
  sim.runFor(500);
  sim.dispatch({
    type: 'flink.submit',
    job: 'j',
    topology: {
      steps: [
        { id: 'in', op: 'stream', topic: 'clicks' },
        { id: 'g', op: 'groupByKey', from: 'in' },
        { id: 'c', op: 'aggregate', from: 'g', kind: 'count', store: 'n' },
        { id: 's', op: 'toStream', from: 'c' },
        { id: 'to', op: 'to', from: 's', topic: 'counts' },
      ],
    },
    config: {
      'parallelism.default': 2,
      'execution.checkpointing.interval': 400,
      'sink.delivery-guarantee': 'exactly-once',
    },
  });
  sim.runFor(1000);
  for (let i = 0; i < 6; i++) {
    sim.dispatch({ type: 'producer.send', producer: 'web', topic: 'clicks', key: `u${i % 3}`, value: '1' });
    sim.runFor(150);
  }
  const placed = sim.snapshot().flink!.job!.subtasks.find((t) => t.task === 'source-0')!.taskManager;
  sim.dispatch({ type: 'node.crash', node: placed });
  sim.runFor(3000);

  const h = foldFlink(emptyHistory(), sim.events());
  const done = eventsOf(sim, 'flink.checkpointCompleted');
  expect(done.length).toBeGreaterThan(2);
  for (const e of done) {
    const row = h.checkpoints.find((c) => c.id === e.checkpointId);
    if (!row) continue; // older than the rows kept
    expect(row.offsets).toEqual(e.offsets);
    expect(row.injected.map((i) => i.task).sort()).toEqual(['source-0', 'source-1']);
    expect(row.acknowledged).toBe(4);
  }
  // Each completed checkpoint's sink transactions were committed (by notifyCheckpointComplete or the restore).
  const withTxn = h.checkpoints.filter(
    (c) => c.completedAtMs !== null && c.transactions.some((t) => t.transactionalId),
  );
  expect(withTxn.length).toBeGreaterThan(0);
  for (const c of withTxn)
    for (const t of c.transactions.filter((x) => x.transactionalId))
      expect(t.fate, `checkpoint ${c.id} ${t.transactionalId}`).toMatch(/^committed/);

  // The restore: from the last checkpoint completed before the failure, on the TaskManagers left.
  const failed = eventsOf(sim, 'flink.jobFailed')[0]!;
  const lastBefore = done.filter((e) => e.atMs <= failed.atMs).at(-1)!;
  expect(h.restores).toHaveLength(1);
  const r = h.restores[0]!;
  expect(r.fromCheckpoint).toBe(lastBefore.checkpointId);
  expect(r.placement.map((p) => p.taskManager)).not.toContain(placed);
  expect(r.recovered.length).toBe(2);
  // Checkpoints in flight when the job failed are abandoned; none completed after the failure is.
  for (const c of h.checkpoints)
    expect(c.abandoned, `checkpoint ${c.id}`).toBe(
      c.completedAtMs === null && c.triggeredAtMs <= failed.atMs,
    );
});

it('prints checkpoints and restores, and plots the window watermark as the minimum of the sources', () => {
  const h = emptyHistory();
  const ev = (seq: number, atMs: number, e: object) => ({ seq, atMs, ...e }) as never;
  foldFlink(h, [
    ev(1, 100, { type: 'flink.processed', job: 'j', task: 'source-0', records: 1, timestamps: [13000] }),
    ev(2, 100, { type: 'flink.watermarkAdvanced', job: 'j', task: 'source-0', watermarkMs: 10999 }),
    ev(3, 150, { type: 'flink.processed', job: 'j', task: 'source-1', records: 1, timestamps: [2000] }),
    ev(4, 150, { type: 'flink.watermarkAdvanced', job: 'j', task: 'source-1', watermarkMs: -1 }),
    ev(5, 160, { type: 'flink.watermarkAdvanced', job: 'j', task: 'agg-0', watermarkMs: -1 }),
    ev(6, 200, { type: 'flink.checkpointTriggered', job: 'j', checkpointId: 5 }),
    ev(7, 200, {
      type: 'flink.barrierInjected',
      job: 'j',
      task: 'source-0',
      checkpointId: 5,
      offsets: [{ partition: 0, offset: 2 }],
    }),
    ev(8, 210, {
      type: 'flink.barrierAligned',
      job: 'j',
      task: 'agg-0',
      checkpointId: 5,
      bufferedRecords: 1,
    }),
    ev(9, 220, {
      type: 'flink.sinkPreCommitted',
      job: 'j',
      task: 'agg-0',
      checkpointId: 5,
      transactionalId: 'j-agg-0-5',
    }),
    ev(10, 230, { type: 'flink.jobFailed', job: 'j', attempt: 1, reason: 'TaskManager tm-1 was lost.' }),
    ev(11, 900, {
      type: 'flink.jobDeployed',
      job: 'j',
      attempt: 2,
      fromCheckpoint: 4,
      placement: [{ task: 'source-0', taskManager: 'flink:tm-2' }],
    }),
    ev(12, 910, { type: 'flink.sinkRecovered', job: 'j', task: 'agg-0', commit: null, abort: ['j-agg-0-5'] }),
  ]);
  expect(checkpointLines(h, 'clicks', 4)).toEqual([
    {
      id: 5,
      status: 'abandoned',
      barriers: 'source-0 → clicks-0@2',
      aligned: 'agg-0 (held 1)',
      acks: '0 of 4',
      offsets: '—',
      transactions: 'j-agg-0-5 aborted on restore',
    },
  ]);
  expect(restoreLines(h)).toEqual([
    'Attempt 1 failed at 0.2 s: TaskManager tm-1 was lost. Redeployed at 0.9 s from checkpoint 4: source-0 on tm-2. Sink: aborted j-agg-0-5.',
  ]);
  const plot = watermarkPlot(h, 1000);
  const wm = (task: string) => plot.series.find((s) => s.task === task)!;
  // The window subtask's line lies on source-1's level (the lower one), not source-0's.
  const level = (path: string) => Number(/^M[\d.]+,([\d.]+)/.exec(path)![1]);
  expect(level(wm('agg-0').path)).toBe(level(wm('source-1').path));
  expect(level(wm('source-0').path)).toBeLessThan(level(wm('source-1').path));
  expect(wm('source-0').dots.map((d) => d.eventMs)).toEqual([13000]);
});
