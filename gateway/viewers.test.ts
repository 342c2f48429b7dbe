/**
 * A page's view of the gateway, without the page: a WebSocket client speaking the engine worker's
 * protocol (gateway/viewers.ts) watches batches and crashes a partition leader, and a real client
 * (KafkaJS, then kcat when installed) sees the cluster change. Also: the app's files, and the
 * requests a page may not make.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import WebSocket from 'ws';
import { decodeGatewayMessage, encodeGatewayMessage } from '../src/bridge/gateway-json';
import type { WorkerMessage, WorkerRequest } from '../src/bridge/protocol';
import { startGateway, type Gateway } from './gateway';
import { GATEWAY_OWNS_TIME, serveViewers, type ViewerServer } from './viewers';

class Page {
  readonly messages: WorkerMessage[] = [];
  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => this.messages.push(decodeGatewayMessage(String(data)) as WorkerMessage));
  }
  static async open(url: string, headers: Record<string, string> = {}): Promise<Page> {
    const socket = new WebSocket(url, { headers });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new Page(socket);
  }
  send(request: WorkerRequest): void {
    this.socket.send(encodeGatewayMessage(request));
  }
  async next<T extends WorkerMessage['type']>(
    type: T,
    match: (m: Extract<WorkerMessage, { type: T }>) => boolean = () => true,
  ): Promise<Extract<WorkerMessage, { type: T }>> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const found = this.messages.find(
        (m): m is Extract<WorkerMessage, { type: T }> =>
          m.type === type && match(m as Extract<WorkerMessage, { type: T }>),
      );
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no ${type} message`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

describe('pages attached to the gateway over its WebSocket', () => {
  let gw: Gateway;
  let viewers: ViewerServer;
  const dist = mkdtempSync(path.join(tmpdir(), 'streamlab-dist-'));
  beforeAll(async () => {
    writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>StreamLab</title>');
    gw = await startGateway({
      basePort: 19120,
      seed: 11,
      brokerConfig: { 'broker.session.timeout.ms': 3000 },
    });
    viewers = await serveViewers(gw, { port: 0, distDir: dist });
  });
  afterAll(async () => {
    await viewers?.stop();
    await gw?.stop();
  });

  it('a page watches batches and crashes the leader; KafkaJS and kcat then find the new one', async () => {
    const kafka = new Kafka({
      clientId: 'watched',
      brokers: ['127.0.0.1:19120', '127.0.0.1:19121', '127.0.0.1:19122'],
      logLevel: logLevel.NOTHING,
      retry: { retries: 12, initialRetryTime: 200, maxRetryTime: 2000 },
    });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'watched', numPartitions: 1, replicationFactor: 3 }] });
    await admin.disconnect();

    const page = await Page.open(viewers.socketUrl);
    page.send({ type: 'init', open: { kind: 'fresh', session: { options: { seed: 99, brokers: 1 } } } });
    const ready = await page.next('ready');
    // The gateway's session, not a new one with the page's options.
    expect(ready.batch.snapshot.seed).toBe(11);
    expect(ready.batch.snapshot.topics.map((t) => t.name)).toContain('watched');
    expect(ready.batch.opened).toBe(true);

    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({ topic: 'watched', acks: -1, messages: [{ value: 'before' }] });
      // The page sees the real client's Produce in the batches it is sent, without asking.
      await page.next('batch', (m) =>
        m.batch.events.some(
          (e) => e.type === 'rpc.sent' && e.from === 'client:watched' && e.kind === 'Produce',
        ),
      );

      const leader = gw.sim.snapshot().topics.find((t) => t.name === 'watched')!.partitions[0]!.leader!;
      page.send({ type: 'dispatch', requestId: 7, command: { type: 'broker.crash', broker: leader } });
      const dispatched = await page.next('dispatched', (m) => m.requestId === 7);
      expect(dispatched.batch.snapshot.brokers.find((b) => b.id === leader)!.state).not.toBe('unfenced');

      const res = await producer.send({ topic: 'watched', acks: -1, messages: [{ value: 'after' }] });
      expect(res[0]!.errorCode).toBe(0);
      const newLeader = gw.sim.snapshot().topics.find((t) => t.name === 'watched')!.partitions[0]!.leader!;
      expect(newLeader).not.toBe(leader);
      expect(gw.sim.readLog(newLeader, 'watched', 0).map((r) => r.value)).toEqual(['before', 'after']);
      // The crash is on the timeline the page draws its fault markers from.
      const last = page.messages.filter((m) => m.type === 'batch').at(-1) as Extract<
        WorkerMessage,
        { type: 'batch' }
      >;
      expect(last.batch.timeline.faults.map((f) => f.command)).toContainEqual({
        type: 'broker.crash',
        broker: leader,
      });

      // kcat asks a live broker (the crashed one's port closes every connection).
      if (existsSync('/usr/bin/kcat')) {
        const listing = await new Promise<string>((resolve, reject) =>
          execFile(
            '/usr/bin/kcat',
            ['-b', `127.0.0.1:${19119 + newLeader}`, '-L', '-t', 'watched'],
            { timeout: 20_000 },
            (err, out) => (err ? reject(err) : resolve(out)),
          ),
        );
        expect(listing).toContain(`partition 0, leader ${newLeader},`);
      }
    } finally {
      await producer.disconnect();
      page.socket.close();
    }
  }, 90_000);

  it('the gateway owns time: moving the clock or replacing the session is refused in words', async () => {
    const page = await Page.open(viewers.socketUrl);
    page.send({ type: 'init', open: { kind: 'fresh', session: { options: { seed: 1, brokers: 3 } } } });
    await page.next('ready');
    page.send({ type: 'seek', atMs: 0 });
    expect((await page.next('fault', (m) => m.request === 'seek')).message).toBe(GATEWAY_OWNS_TIME);
    page.send({ type: 'newSession', requestId: 3, options: { seed: 1, brokers: 1 } });
    expect((await page.next('loadFailed', (m) => m.requestId === 3)).message).toMatch(
      /belongs to the gateway/,
    );
    page.socket.close();
  });

  it('serves the built app, refuses paths outside it, and refuses sockets from other sites', async () => {
    const base = `http://127.0.0.1:${viewers.port}`;
    const index = await fetch(`${base}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/text\/html/);
    expect(await index.text()).toContain('<title>StreamLab</title>');
    expect((await fetch(`${base}/%2e%2e/%2e%2e/etc/passwd`)).status).toBe(404);
    await expect(Page.open(viewers.socketUrl, { origin: 'https://evil.example' })).rejects.toThrow(/403/);
    const own = await Page.open(viewers.socketUrl, { origin: base });
    own.socket.close();
  });

  it('a batch survives the JSON trip unchanged', () => {
    const batch = gw.engine.attachBatch();
    expect(decodeGatewayMessage(encodeGatewayMessage(batch))).toEqual(batch);
    const odd = { bytes: new Uint8Array([0, 255, 7]), inf: Infinity, holes: [1, undefined, 3] };
    expect(decodeGatewayMessage(encodeGatewayMessage(odd))).toEqual(odd);
  });
});
