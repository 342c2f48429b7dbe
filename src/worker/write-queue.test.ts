import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openStreamLabDb } from './db';
import { WriteQueue } from './write-queue';

let dbCount = 0;

describe('the write queue, sliced', () => {
  it('yields between slices, and still commits in order with every read seeing the writes before it', async () => {
    const db = await openStreamLabDb(`write-queue-${++dbCount}`);
    let workMs = 0;
    let yields = 0;
    const queue = new WriteQueue(db, 3, 64, {
      sliceMs: 3,
      clock: () => workMs,
      yieldToLoop: (resume) => {
        yields++;
        setTimeout(resume, 0);
      },
    });
    const committed: number[] = [];
    const seen: [number, number][] = [];
    /** Writes per transaction. */
    const perTransaction = new Map<unknown, number>();
    const writes: Promise<void>[] = [];
    const write = (i: number) => {
      // Every third write reads what the ones before it wrote (as savePosition does): while it
      // waits for its read, no later transaction may start, or the slice cut after it would be
      // overtaken by writes queued behind it.
      const reads = i % 3 === 2;
      const work = async (tx: Parameters<Parameters<WriteQueue['run']>[0]>[0]) => {
        workMs += 1; // each write costs 1 ms of cloning
        perTransaction.set(tx, (perTransaction.get(tx) ?? 0) + 1);
        const sessions = tx.objectStore('sessions');
        if (reads) seen.push([i, (await sessions.get('counter'))?.commandCount ?? -1]);
        await sessions.put({ id: 'counter', options: { seed: 1, brokers: 1 }, commandCount: i });
      };
      writes.push(queue.run(work, { reads }).then(() => void committed.push(i)));
    };
    // Two waves: the second is queued while the first is being written.
    for (let i = 0; i < 40; i++) write(i);
    await writes[4];
    for (let i = 40; i < 80; i++) write(i);
    await Promise.all(writes);
    expect(committed).toEqual([...Array(80).keys()]);
    expect(seen).toEqual(seen.map(([i]) => [i, i - 1]));
    expect((await db.get('sessions', 'counter'))?.commandCount).toBe(79);
    // Slices of 3 ms: transactions of a few writes each (unsliced, groups of up to 64 make ~5),
    // and the queue let the event loop turn between some of them.
    expect(perTransaction.size).toBeGreaterThanOrEqual(20);
    expect(yields).toBeGreaterThan(0);
    db.close();
  });
});
