import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../engine/index';
import { transactionScenario } from '../engine/testing/checker-scenarios';
import { runPipeline } from '../engine/testing/txn-pipeline';
import { apiByName } from './apis';
import { crc32c } from './crc32c';
import { decodeRequest, decodeResponse } from './frame';
import { wireImagesOf, type WireImages } from './engine-image';
import type { WireImage } from './image';

type Sent = Extract<EngineEvent, { type: 'rpc.sent' }>;

/**
 * Every request of a read-process-write pipeline (produce, fetch, transactions with offsets) and of
 * two consumer groups reading a transactional topic, each with its answer.
 */
function pairs(): { request: Sent; response: Sent | null }[] {
  return [runPipeline(3, 6).sim.events(), transactionScenario().events()].flatMap(pairsOf);
}

function pairsOf(events: readonly EngineEvent[]): { request: Sent; response: Sent | null }[] {
  const sent = events.filter((e): e is Sent => e.type === 'rpc.sent');
  const answers = new Map(sent.filter((e) => e.inReplyTo !== undefined).map((e) => [e.inReplyTo!, e]));
  return sent
    .filter((e) => e.inReplyTo === undefined)
    .map((request) => ({ request, response: answers.get(request.id) ?? null }));
}

const all = pairs();
const imaged = sample(all.map((p) => ({ ...p, images: wireImagesOf(p.request, p.response) })));

function int32At(bytes: Uint8Array, at: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset + at, 4).getInt32(0);
}

/**
 * What is wrong with an image's ranges, if anything: each lies inside the frame and inside its
 * parent (the nearest range before it at a lower depth), and the top-level fields tile the frame
 * (size, header, then the body, byte after byte).
 */
function nestingFaults(image: WireImage): string[] {
  const faults: string[] = [];
  const stack: WireImage['ranges'] = [];
  for (const r of image.ranges) {
    if (r.start < 0 || r.end > image.bytes.length || r.end < r.start)
      faults.push(`${r.path} is outside the frame`);
    while (stack.length > 0 && stack.at(-1)!.depth >= r.depth) stack.pop();
    const parent = stack.at(-1);
    if (parent && (r.start < parent.start || r.end > parent.end))
      faults.push(`${r.path} is outside ${parent.path}`);
    stack.push(r);
  }
  let at = 0;
  for (const r of image.ranges.filter((x) => x.depth === 0)) {
    if (r.start !== at) faults.push(`${r.path} starts at ${r.start}, not ${at}`);
    at = r.end;
  }
  if (at !== image.bytes.length) faults.push(`the fields end at ${at} of ${image.bytes.length}`);
  return faults;
}

/** At most a few of each kind: the layouts repeat, and the test stays quick. */
function sample<T extends { request: Sent; images: WireImages }>(items: readonly T[], perKind = 12): T[] {
  const seen = new Map<string, number>();
  return items.filter((p) => {
    const key = `${p.request.kind} ${p.images.request ? 'bytes' : 'note'}`;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    return n < perKind;
  });
}

describe('the bytes of simulated RPCs (protocol inspector)', () => {
  it('covers every client API the pipeline used, with both directions decodable by the codec', () => {
    const kinds = new Set(imaged.filter((p) => p.images.request).map((p) => p.request.kind));
    for (const k of [
      'Produce',
      'Fetch',
      'Metadata',
      'FindCoordinator',
      'JoinGroup',
      'SyncGroup',
      'Heartbeat',
      'OffsetFetch',
      'InitProducerId',
      'AddPartitionsToTxn',
      'AddOffsetsToTxn',
      'TxnOffsetCommit',
      'EndTxn',
    ]) {
      expect(kinds, k).toContain(k);
    }
    for (const { request, images } of imaged) {
      if (!images.request) continue;
      const req = images.request;
      expect(int32At(req.bytes, 0)).toBe(req.bytes.length - 4);
      const decoded = decodeRequest(req.bytes.subarray(4));
      expect(decoded.api?.name).toBe(request.kind);
      expect(decoded.header.correlationId).toBe(request.id);
      expect(decoded.body).not.toBeNull();
      expect(nestingFaults(req), request.kind).toEqual([]);
      if (images.response) {
        const res = images.response;
        const api = apiByName(request.kind);
        const back = decodeResponse(api, res.version, res.bytes.subarray(4));
        expect(back.correlationId).toBe(request.id);
        expect(nestingFaults(res), `${request.kind} response`).toEqual([]);
      }
    }
  });

  it('labels a produced record batch down to its CRC, key and value', () => {
    const produce = imaged.find(
      (p) => p.request.kind === 'Produce' && p.images.request?.ranges.some((r) => r.path.endsWith('.value')),
    )!;
    const req = produce.images.request!;
    const at = (suffix: string) => req.ranges.find((r) => r.path.endsWith(suffix))!;
    const crc = at('batch[0].crc');
    const batch = req.ranges.find((r) => r.path.endsWith('batch[0]'))!;
    const stored = new DataView(req.bytes.buffer, req.bytes.byteOffset + crc.start, 4).getUint32(0);
    // The CRC-32C covers the batch from its attributes to its end: recompute it from the labelled range.
    expect(stored).toBe(crc32c(req.bytes.subarray(crc.end, batch.end)));
    const value = at('record[0].value');
    const text = new TextDecoder().decode(req.bytes.subarray(value.start, value.end));
    const body = produce.request.body as { partitions: { batch: { records: { value: string | null }[] } }[] };
    expect(text.endsWith(body.partitions[0]!.batch.records[0]!.value!)).toBe(true);
    expect(at('header.apiKey').end - at('header.apiKey').start).toBe(2);
    expect(req.ranges[0]).toMatchObject({ path: 'size', start: 0, end: 4 });
  });

  it('answers with a note, not bytes, where Kafka uses flexible versions or no API at all', () => {
    const vote = imaged.find((p) => p.request.kind === 'BrokerHeartbeat')!;
    expect(vote.images).toMatchObject({ request: null, response: null } satisfies Partial<WireImages>);
    expect(vote.images.note).toMatch(/flexible versions/);
    const metadataLog = imaged.find(
      (p) =>
        p.request.kind === 'Fetch' && !Array.isArray((p.request.body as { partitions?: unknown }).partitions),
    )!;
    expect(metadataLog.images.note).toMatch(/metadata log/);
    expect(wireImagesOf({ id: 1, from: 'test', kind: 'SendMessage', body: {} }, null).note).toMatch(
      /not a Kafka API/,
    );
  });
});
