import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { describeLogStore, stampedBatch, stampedBatches } from '../engine/testing/log-store-contract';
import { openStreamLabDb, type Db } from './db';
import { IdbLogStore, SEGMENT_RECORDS } from './segment-store';
import { WriteQueue } from './write-queue';

let dbCount = 0;
const opened: Db[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

async function freshDb(): Promise<Db> {
  const db = await openStreamLabDb(`streamlab-segments-${++dbCount}`);
  opened.push(db);
  return db;
}

async function freshStore(db?: Db, session = 's1') {
  const database = db ?? (await freshDb());
  const queue = new WriteQueue(database);
  return { db: database, queue, store: await IdbLogStore.open(database, queue, session) };
}

describeLogStore('the IndexedDB log store', async () => (await freshStore()).store);

const L = 'broker-1/orders-0';

describe('the IndexedDB log store, chunked', () => {
  it('keeps hundreds to thousands of records per stored value, never one per record', async () => {
    const { db, store } = await freshStore();
    // 5000 records arriving as 500 small appends, the way a busy partition fills.
    for (let i = 0; i < 500; i++) await store.append(L, [stampedBatch(i * 10, 10)]);
    const segments = await db.getAll('segments');
    expect(segments).toHaveLength(5000 / SEGMENT_RECORDS);
    expect(segments.map((s) => s.records)).toEqual(Array(5).fill(SEGMENT_RECORDS));
    expect((await store.read(L, 0, Infinity)).length).toBe(500);
  });

  it('survives a reopen: bounds, checkpoint and the room left in the newest segment', async () => {
    const { db, store } = await freshStore();
    await store.append(L, stampedBatches(0, 3, 100));
    await store.checkpoint(L, { highWatermark: 250, epochs: [{ epoch: 0, startOffset: 0 }] });
    const again = (await freshStore(db)).store;
    expect(await again.bounds(L)).toEqual({ startOffset: 0, endOffset: 300 });
    expect(await again.loadCheckpoint(L)).toEqual({
      highWatermark: 250,
      epochs: [{ epoch: 0, startOffset: 0 }],
    });
    await again.append(L, [stampedBatch(300, 100)]);
    expect(await db.count('segments')).toBe(1); // extended the cached tail, no new value
  });

  it('truncates inside an older, uncached segment after a reopen', async () => {
    const { db, store } = await freshStore();
    await store.append(L, stampedBatches(0, 25, 100)); // 3 segments: 0, 1000, 2000
    const again = (await freshStore(db)).store;
    await again.truncate(L, 1550);
    expect(await again.bounds(L)).toEqual({ startOffset: 0, endOffset: 1550 });
    const segments = await db.getAll('segments');
    expect(segments.map((s) => [s.baseOffset, s.endOffset])).toEqual([
      [0, 1000],
      [1000, 1550],
    ]);
    await again.append(L, [stampedBatch(1550, 5, 2)]);
    const all = await again.read(L, 1500, Infinity);
    expect(all.map((b) => [b.baseOffset, b.records.length])).toEqual([
      [1500, 50],
      [1550, 5],
    ]);
  });

  it('drops what follows a hole left by a torn write, keeping a consistent prefix', async () => {
    const { db, store } = await freshStore();
    await store.append(L, stampedBatches(0, 30, 100));
    // Simulate a torn write: the middle segment is lost while later ones survived.
    const tx = db.transaction('segments', 'readwrite');
    await tx.store.delete(['s1', L, 1000]);
    await tx.done;
    const { store: again, queue } = await freshStore(db);
    expect(await again.bounds(L)).toEqual({ startOffset: 0, endOffset: 1000 });
    await queue.settled();
    expect((await db.getAll('segments')).map((s) => s.baseOffset)).toEqual([0]);
    expect((await again.loadCheckpoint(L))?.highWatermark).toBe(0);
    // and it carries on from the end it kept
    await again.append(L, [stampedBatch(1000, 1)]);
    expect(await again.bounds(L)).toEqual({ startOffset: 0, endOffset: 1001 });
  });

  it('keeps sessions apart', async () => {
    const db = await freshDb();
    const a = (await freshStore(db, 'a')).store;
    const b = (await freshStore(db, 'b')).store;
    await a.append(L, stampedBatches(0, 2, 5));
    await b.append(L, stampedBatches(0, 1, 5));
    expect(await (await freshStore(db, 'a')).store.bounds(L)).toEqual({ startOffset: 0, endOffset: 10 });
    expect(await (await freshStore(db, 'b')).store.bounds(L)).toEqual({ startOffset: 0, endOffset: 5 });
  });
});
