import { describe, expect, it } from 'vitest';
import { NO_WATERMARK, type FlinkSnapshot } from '../../engine/index';
import { checkpointLine, taskManagerCards } from './flink-view';

const sub = (
  over: Partial<
    FlinkSnapshot['job'] extends infer J ? (J extends { subtasks: (infer S)[] } ? S : never) : never
  >,
) => ({
  task: 'agg-0',
  vertex: 'Window',
  subtask: 0,
  taskManager: 'flink:tm-1',
  state: 'RUNNING' as const,
  watermarkMs: NO_WATERMARK,
  partitions: [],
  inputWatermarksMs: [],
  aligning: null,
  windows: [],
  transactions: [],
  ...over,
});

const snap = (subtasks: ReturnType<typeof sub>[]): FlinkSnapshot => ({
  jobManager: { node: 'flink:jobmanager', alive: true },
  taskManagers: [{ node: 'flink:tm-1', alive: true, slots: 2, registered: true }],
  job: {
    job: 'j',
    status: 'RUNNING',
    attempt: 1,
    parallelism: 2,
    guarantee: 'exactly-once',
    checkpointIntervalMs: 1000,
    outOfOrdernessMs: 2000,
    allowedLatenessMs: 0,
    vertices: [],
    sourceTopic: 'clicks',
    sinkTopic: 'out',
    lastCompleted: { id: 3, atMs: 5300, offsets: [{ partition: 0, offset: 4 }] },
    pending: { id: 4, acknowledged: 2, total: 4 },
    subtasks,
  },
});

describe('the Flink view rows', () => {
  it('marks the input that holds a window subtask’s watermark back, and says No Watermark', () => {
    const [tm] = taskManagerCards(
      snap([
        sub({ watermarkMs: -1, inputWatermarksMs: [10999, -1], aligning: { checkpointId: 4, blocked: [1] } }),
      ]),
    );
    const row = tm!.subtasks[0]!;
    expect(row.watermark).toBe('-1 ms');
    expect(row.inputs.map((i) => [i.label, i.value, i.lowest])).toEqual([
      ['from source-0', '10999 ms', false],
      ['from source-1', '-1 ms', true],
    ]);
    expect(row.aligning).toBe('aligning checkpoint 4: barrier in from source-1 (blocked)');
    const [fresh] = taskManagerCards(
      snap([
        sub({ task: 'source-0', partitions: [{ partition: 0, offset: 0, maxTimestampMs: NO_WATERMARK }] }),
      ]),
    );
    expect(fresh!.subtasks[0]!.watermark).toBe('No Watermark');
    expect(fresh!.subtasks[0]!.inputs[0]!.value).toBe('next offset 0 · max timestamp none');
  });

  it('says how far the checkpoint in progress is', () => {
    expect(checkpointLine(snap([]))).toBe(
      'checkpoint 4 in progress: 2 of 4 tasks acknowledged · last completed: 3 at 5.3 s (offsets clicks-0@4)',
    );
  });
});
