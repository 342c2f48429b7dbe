/**
 * The streams instance node (kind 'streams', id `streams:<instance>`): the consumer and producer
 * behaviours composed over sub-records of its state (app-clients.ts), plus the stream thread
 * (app-thread.ts). Answers go back to the client whose request they answer; timers to the client
 * whose letter they carry; `s:` timers are the thread's own (the commit interval).
 */
import { consumerBehaviour } from '../client/consumer';
import type { ConsumerVolatile } from '../client/consumer-state';
import { producerBehaviour } from '../client/producer';
import type { ProducerVolatile } from '../client/producer-state';
import type { NodeBehaviour, NodeContext, RpcMessage } from '../kernel/kernel';
import type { TimerOf } from '../protocol/timer-kinds';
import { recordOffset, type ReplicaFetchResponse } from '../protocol/produce';
import { Run } from './app-clients';
import type { StreamsDurable, StreamsNode, StreamsVolatile, SubClient } from './app-state';
import { afterClients, onCommitTimer, scheduleCommit } from './app-thread';

const behaviourOf = (who: SubClient) =>
  (who === 'p' ? producerBehaviour : consumerBehaviour) as unknown as NodeBehaviour<unknown, unknown>;

/** Fetched records' timestamps, kept until poll hands the records to the thread. */
function noteTimestamps(v: StreamsVolatile, body: ReplicaFetchResponse): void {
  for (const r of body.partitions ?? []) {
    if (r.error !== null) continue;
    const map = (v.ts[`${r.topic}-${r.partition}`] ??= {});
    for (const b of r.batches) {
      if (b.isControl) continue;
      b.records.forEach((rec, i) => {
        map[recordOffset(b, i)] = rec.timestamp;
      });
    }
  }
}

function finish(run: Run): void {
  afterClients(run);
}

export const streamsBehaviour: NodeBehaviour<StreamsDurable, StreamsVolatile, TimerOf<'streams'>> = {
  start(ctx, self) {
    const v: StreamsVolatile = {
      consumer: null as unknown as ConsumerVolatile,
      restore: null as unknown as ConsumerVolatile,
      producer: null as unknown as ProducerVolatile,
      owner: {},
      ts: {},
      generation: -1,
      tasks: {},
      commit: null,
      commitTimer: null,
      inTxn: false,
    };
    self.volatile = v;
    const run = new Run(ctx, self as StreamsNode);
    v.producer = run.producer((c, n) => producerBehaviour.start(c, n));
    v.restore = run.consumer('r', (c, n) => consumerBehaviour.start(c, n));
    v.consumer = run.consumer('c', (c, n) => consumerBehaviour.start(c, n));
    scheduleCommit(run);
    finish(run);
    return v;
  },

  onMessage(ctx, self, msg) {
    const who = msg.inReplyTo === undefined ? undefined : self.volatile.owner[msg.inReplyTo];
    if (!who) return; // an instance serves no requests
    delete self.volatile.owner[msg.inReplyTo!];
    if (who === 'c' && msg.kind === 'FetchResponse')
      noteTimestamps(self.volatile, msg.body as ReplicaFetchResponse);
    const run = new Run(ctx, self);
    run.as(who, (c, n) => behaviourOf(who).onMessage(c, n, msg));
    finish(run);
  },

  onUndeliverable(ctx, self, msg) {
    const who = self.volatile.owner[msg.id];
    if (!who) return;
    delete self.volatile.owner[msg.id];
    const run = new Run(ctx, self);
    run.as(who, (c, n) => behaviourOf(who).onUndeliverable?.(c, n, msg));
    finish(run);
  },

  onTimer(ctx, self, timer) {
    const run = new Run(ctx, self);
    const who = timer.name.slice(0, 1);
    const name = timer.name.slice(2);
    if (who === 's') {
      self.volatile.commitTimer = null;
      onCommitTimer(run);
    } else {
      // The client's own timer without its letter: TimerMap['streams'] is the clients' maps, prefixed.
      const t = { ...timer, name } as TimerOf<'producer'> | TimerOf<'consumer'>;
      const sub = who as SubClient;
      run.as(sub, (c, n) => behaviourOf(sub).onTimer(c, n, t));
    }
    finish(run);
  },
};

/** For a command: run `fn` inside the instance, then let the thread react. */
export function invokeInstance(ctx: NodeContext, self: StreamsNode, fn: (run: Run) => void): void {
  const run = new Run(ctx, self);
  fn(run);
  finish(run);
}

export type { RpcMessage };
