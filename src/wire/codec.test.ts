import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { APIS, apiByKey, apiByName } from './apis';
import { Writer } from './bytes';
import { crc32c } from './crc32c';
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse } from './frame';
import { decodeBatches, encodeBatches, type WireBatch } from './record-batch';
import { encodeStruct, decodeStruct, normalize, type Field, type FieldType, type Prim } from './schema';
import { Reader } from './bytes';
import kafkajsFixtures from './fixtures/kafkajs-2.2.4.json';
import kcatFixtures from './fixtures/kcat.json';

const fromHex = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));
const unsized = (b: Uint8Array) => b.subarray(4);

describe('CRC-32C', () => {
  it('matches the standard check value and RFC 3720 vectors', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
  });
});

const prim = (t: Prim): fc.Arbitrary<unknown> => {
  const text = fc.string({ unit: 'grapheme', maxLength: 12 });
  const bytes = fc.uint8Array({ maxLength: 16 });
  switch (t) {
    case 'int8':
      return fc.integer({ min: -128, max: 127 });
    case 'int16':
      return fc.integer({ min: -32768, max: 32767 });
    case 'int32':
      return fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    case 'int64':
      return fc.maxSafeInteger();
    case 'bool':
      return fc.boolean();
    case 'string':
      return text;
    case 'nstring':
      return fc.option(text, { nil: null });
    case 'bytes':
      return bytes;
    case 'nbytes':
      return fc.option(bytes, { nil: null });
  }
};

function arbitraryOf(fields: readonly Field[], version: number): fc.Arbitrary<Record<string, unknown>> {
  const shape: Record<string, fc.Arbitrary<unknown>> = {};
  for (const field of fields) {
    if (version < field.min || version > field.max) continue;
    shape[field.name] = typeArb(field.type, version);
  }
  return fc.record(shape);
}

function typeArb(t: FieldType, version: number): fc.Arbitrary<unknown> {
  if (typeof t === 'string') return prim(t);
  const item = typeof t.array === 'string' ? prim(t.array) : arbitraryOf(t.array, version);
  const list = fc.array(item, { maxLength: 3 });
  return t.nullableFrom !== undefined && version >= t.nullableFrom ? fc.option(list, { nil: null }) : list;
}

describe('every API at every served version: decode ∘ encode = id', () => {
  for (const api of APIS) {
    for (let v = api.served.min; v <= api.served.max; v++) {
      it(`${api.name} v${v} request and response`, () => {
        fc.assert(
          fc.property(
            arbitraryOf(api.request, v),
            fc.integer({ min: 0, max: 2 ** 31 - 1 }),
            (body, correlationId) => {
              const frame = unsized(
                encodeRequest({ apiKey: api.key, apiVersion: v, correlationId, clientId: 'c' }, body),
              );
              const decoded = decodeRequest(frame);
              expect(decoded.header.correlationId).toBe(correlationId);
              expect(decoded.body).toEqual(normalize(api.request, v, body));
            },
          ),
          { numRuns: 40 },
        );
        fc.assert(
          fc.property(arbitraryOf(api.response, v), (body) => {
            const frame = unsized(encodeResponse(7, api, v, body));
            expect(decodeResponse(api, v, frame)).toEqual({
              correlationId: 7,
              body: normalize(api.response, v, body),
            });
          }),
          { numRuns: 40 },
        );
      });
    }
  }

  it('fields outside a version are neither written nor read', () => {
    const fields = apiByName('Fetch').request;
    const w = new Writer();
    encodeStruct(w, fields, 4, {
      replicaId: -1,
      maxWaitMs: 1,
      minBytes: 1,
      sessionId: 99,
      topics: [],
      rackId: 'x',
    });
    const back = decodeStruct(new Reader(w.bytes()), fields, 4);
    expect(back.sessionId).toBe(0); // v7+
    expect(back.rackId).toBe(''); // v11+
  });
});

const batchArb: fc.Arbitrary<WireBatch> = fc
  .record({
    baseOffset: fc.nat({ max: 2 ** 40 }),
    partitionLeaderEpoch: fc.integer({ min: -1, max: 1000 }),
    isTransactional: fc.boolean(),
    baseTimestamp: fc.nat({ max: 2 ** 42 }),
    producerId: fc.integer({ min: -1, max: 2 ** 40 }),
    producerEpoch: fc.integer({ min: -1, max: 32767 }),
    baseSequence: fc.integer({ min: -1, max: 2 ** 31 - 1 }),
    records: fc.array(
      fc.record({
        timestampDelta: fc.nat({ max: 100_000 }),
        key: fc.option(fc.uint8Array({ maxLength: 8 }), { nil: null }),
        value: fc.option(fc.uint8Array({ maxLength: 40 }), { nil: null }),
        headers: fc.array(
          fc.record({
            key: fc.string({ unit: 'grapheme', maxLength: 5 }),
            value: fc.option(fc.uint8Array({ maxLength: 5 }), { nil: null }),
          }),
          { maxLength: 2 },
        ),
      }),
      { minLength: 1, maxLength: 5 },
    ),
  })
  .map((b) => ({
    ...b,
    compression: 0,
    logAppendTime: false,
    isControl: false,
    lastOffsetDelta: b.records.length - 1,
    maxTimestamp: b.baseTimestamp + Math.max(...b.records.map((r) => r.timestampDelta)),
    records: b.records.map((r, i) => ({ ...r, offsetDelta: i })),
  }));

describe('record batch v2', () => {
  it('decode ∘ encode = id, several batches back to back', () => {
    fc.assert(
      fc.property(fc.array(batchArb, { minLength: 1, maxLength: 3 }), (batches) => {
        expect(decodeBatches(encodeBatches(batches))).toEqual(batches);
      }),
      { numRuns: 60 },
    );
  });

  it('rejects a batch whose CRC does not match, and skips a partial trailing batch', () => {
    const bytes = encodeBatches(fc.sample(batchArb, { numRuns: 1, seed: 3 }));
    const corrupt = bytes.slice();
    corrupt[corrupt.length - 1]! ^= 0xff;
    expect(() => decodeBatches(corrupt)).toThrow(/CRC/);
    expect(decodeBatches(bytes.subarray(0, bytes.length - 3))).toEqual([]);
  });
});

describe('bytes captured from real clients', () => {
  const sets = [
    ['KafkaJS 2.2.4', kafkajsFixtures],
    ['kcat (librdkafka)', kcatFixtures],
  ] as const;
  for (const [client, fixtures] of sets) {
    for (const fx of fixtures) {
      it(`${client}: ${fx.api} v${fx.version} re-encodes byte for byte`, () => {
        const frame = fromHex(fx.request);
        const decoded = decodeRequest(frame);
        const api = apiByKey(decoded.header.apiKey)!;
        if (decoded.body === null) {
          // Newer than served (librdkafka's first ApiVersions): answered v0 with UNSUPPORTED_VERSION.
          expect(api.name).toBe('ApiVersions');
          expect(decodeResponse(api, 0, fromHex(fx.response!)).body.errorCode).toBe(35);
          return;
        }
        expect(unsized(encodeRequest(decoded.header, decoded.body))).toEqual(frame);
        if (api.name === 'Produce') {
          for (const t of decoded.body.topics as { partitions: { records: Uint8Array }[] }[]) {
            for (const p of t.partitions) {
              const batches = decodeBatches(p.records);
              expect(batches.length).toBe(1);
              expect(encodeBatches(batches)).toEqual(p.records); // the client's CRC-32C agrees with ours
            }
          }
        }
        if (fx.response) {
          const res = fromHex(fx.response);
          const back = decodeResponse(api, fx.version, res);
          expect(back.correlationId).toBe(decoded.header.correlationId);
          expect(unsized(encodeResponse(back.correlationId, api, fx.version, back.body))).toEqual(res);
        }
      });
    }
  }

  it('KafkaJS used every API its producer, consumer, transactions and admin need', () => {
    const seen = new Set(kafkajsFixtures.map((f) => f.api));
    for (const api of APIS) expect(seen, api.name).toContain(api.name);
  });
});
