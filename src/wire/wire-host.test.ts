import { describe, expect, it } from 'vitest';
import { createSimulation, type Simulation } from '../engine/index';
import { APIS, apiByName } from './apis';
import { decodeResponse, encodeRequest } from './frame';
import { WireHost } from './wire-host';
import { crc32c } from './crc32c';
import { encodeBatches } from './record-batch';

function setup(): { sim: Simulation; host: WireHost; out: Uint8Array[]; closed: string[]; conn: number } {
  const sim = createSimulation({ seed: 4, brokers: 3 });
  sim.runUntil((s) => s.snapshot().brokers.every((b) => b.state === 'unfenced'), 60_000);
  const host = new WireHost(sim, {
    clusterId: 'test',
    address: (id) => ({ host: '127.0.0.1', port: 9091 + id }),
  });
  const out: Uint8Array[] = [];
  const closed: string[] = [];
  const conn = host.open(1, { write: (b) => out.push(b), close: (r) => closed.push(r) });
  return { sim, host, out, closed, conn };
}

const request = (api: string, apiVersion: number, correlationId: number, body: Record<string, unknown>) =>
  encodeRequest({ apiKey: apiByName(api).key, apiVersion, correlationId, clientId: 'unit' }, body);

const answer = (api: string, version: number, frame: Uint8Array) =>
  decodeResponse(apiByName(api), version, frame.subarray(4));

describe('the wire host', () => {
  it('advertises exactly the served versions, and answers a newer ApiVersions with v0 UNSUPPORTED_VERSION', () => {
    const { host, out, conn } = setup();
    host.receive(conn, request('ApiVersions', 2, 1, {}));
    const served = answer('ApiVersions', 2, out[0]!).body;
    expect(served.errorCode).toBe(0);
    expect(served.apiKeys).toEqual(
      APIS.map((a) => ({ apiKey: a.key, minVersion: a.served.min, maxVersion: a.served.max })),
    );
    // A v3 request (flexible header): only its first fields are read; the answer is v0.
    host.receive(conn, request('ApiVersions', 3, 2, {}));
    const refused = answer('ApiVersions', 0, out[1]!);
    expect(refused.correlationId).toBe(2);
    expect(refused.body.errorCode).toBe(35);
  });

  it('answers in request order on one connection, even when a later request is answered first', () => {
    const { sim, host, out, conn } = setup();
    host.receive(conn, request('Metadata', 6, 10, { topics: null, allowAutoTopicCreation: false }));
    host.receive(conn, request('ApiVersions', 2, 11, {}));
    expect(out).toHaveLength(0); // ApiVersions is ready, but Metadata travels the simulated network first
    host.onEvents(sim.runFor(100));
    expect(out.map((b) => new DataView(b.buffer, b.byteOffset).getInt32(4))).toEqual([10, 11]);
    const md = answer('Metadata', 6, out[0]!).body;
    expect((md.brokers as { port: number }[]).every((b) => b.port >= 9092 && b.port <= 9094)).toBe(true);
  });

  it('closes the connection on an unserved version or malformed bytes, as Kafka does', () => {
    const a = setup();
    a.host.receive(a.conn, request('ApiVersions', 2, 1, {}).slice(0, 8)); // incomplete: waits for more
    expect(a.closed).toEqual([]);
    const b = setup();
    const tooNew = encodeRequest(
      { apiKey: 3, apiVersion: 0, correlationId: 5, clientId: 'unit' },
      { topics: [] },
    );
    new DataView(tooNew.buffer).setInt16(6, 12); // Metadata v12
    b.host.receive(b.conn, tooNew);
    expect(b.closed[0]).toMatch(/Metadata v12 is not served/);
    const c = setup();
    c.host.receive(c.conn, new Uint8Array([0, 0, 0, 3, 0, 3, 0]));
    expect(c.closed).toHaveLength(1);
  });

  it('sends no answer to acks=0, and refuses a compressed batch for its partition', () => {
    const { sim, host, out, conn } = setup();
    sim.dispatch({ type: 'topic.create', topic: 't', partitions: 1, replicationFactor: 1 });
    sim.runFor(3000);
    // A gzip batch header with no records: attributes = 1.
    const batch = new Uint8Array(61);
    const dv = new DataView(batch.buffer);
    dv.setInt32(8, 49);
    dv.setInt8(16, 2);
    dv.setInt16(21, 1);
    dv.setUint32(17, crc32c(batch.subarray(21)));
    host.receive(
      conn,
      request('Produce', 7, 1, {
        transactionalId: null,
        acks: 1,
        timeoutMs: 1000,
        topics: [{ name: 't', partitions: [{ index: 0, records: batch }] }],
      }),
    );
    const res = answer('Produce', 7, out[0]!).body as { topics: { partitions: { errorCode: number }[] }[] };
    expect(res.topics[0]!.partitions[0]!.errorCode).toBe(76); // UNSUPPORTED_COMPRESSION_TYPE
    const plain = encodeBatches([
      {
        baseOffset: 0,
        partitionLeaderEpoch: -1,
        compression: 0,
        logAppendTime: false,
        isTransactional: false,
        isControl: false,
        lastOffsetDelta: 0,
        baseTimestamp: 5,
        maxTimestamp: 5,
        producerId: -1,
        producerEpoch: -1,
        baseSequence: -1,
        records: [
          {
            offsetDelta: 0,
            timestampDelta: 0,
            key: null,
            value: new TextEncoder().encode('fire'),
            headers: [],
          },
        ],
      },
    ]);
    // Produce goes to the partition's leader (another broker answers NOT_LEADER_OR_FOLLOWER).
    const leader = sim.snapshot().topics[0]!.partitions[0]!.leader!;
    const toLeader = host.open(leader, { write: (b) => out.push(b), close: () => {} });
    host.receive(
      toLeader,
      request('Produce', 7, 2, {
        transactionalId: null,
        acks: 0,
        timeoutMs: 1000,
        topics: [{ name: 't', partitions: [{ index: 0, records: plain }] }],
      }),
    );
    host.receive(toLeader, request('ApiVersions', 2, 3, {}));
    host.onEvents(sim.runFor(200));
    // No answer for acks=0: the next frame on the connection answers request 3.
    expect(out.map((b) => new DataView(b.buffer, b.byteOffset).getInt32(4))).toEqual([1, 3]);
    expect(sim.readLog(leader, 't', 0).map((r) => r.value)).toEqual(['fire']);
  });
});
