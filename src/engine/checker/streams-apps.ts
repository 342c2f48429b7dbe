/**
 * What the checker knows of Kafka Streams applications, from the trace alone: each application's
 * processing.guarantee (the `streams.created` event), which instance node belongs to which
 * application (`streams.start` commands), the instances' crashes and restarts, and the input offsets
 * the application's group last committed. Their internal producers write from the instance's node
 * (`streams:<instance>`), so a record's writer names its application; the duplicate and loss checks
 * then judge its output by the application's guarantee, as Kafka does.
 */
import type { ProcessingGuarantee } from '../streams/app-types';
import type { EngineEvent } from '../types';
import type { Entry, TpLogs } from './replica-logs';
import { seconds } from './types';

export interface AppRef {
  app: string;
  /** null: a trace recorded before `streams.created` carried it. */
  guarantee: ProcessingGuarantee | null;
}

export interface AppCrash {
  instance: string;
  seq: number;
  atMs: number;
  /** The group's committed input offsets at the crash ("purchases-1 offset 2"); '' if none yet. */
  committed: string;
  restart: { seq: number; atMs: number } | null;
}

const NODE_PREFIX = 'streams:';
const MAX_CRASHES = 16;

export class StreamsApps {
  private readonly guarantees = new Map<string, ProcessingGuarantee | null>();
  /** Instance node id → its application. */
  private readonly nodes = new Map<string, string>();
  /** application → input tp → the offset its group last committed. */
  private readonly committed = new Map<string, Map<string, number>>();
  /** application → its instances' recent crashes, oldest first. */
  private readonly crashes = new Map<string, AppCrash[]>();
  /** application → seq of its last crash, rebalance or corrupted task: what makes it reprocess. */
  private readonly disrupted = new Map<string, number>();
  /** at_least_once: instance node → its output not yet covered by a commit (acknowledged then). */
  private readonly unacked = new Map<string, { tp: TpLogs; x: Entry }[]>();

  /** Follow the events that describe applications; the checker calls it for every event. */
  on(e: EngineEvent): void {
    switch (e.type) {
      case 'streams.created':
        // Older traces lack the field: the guarantee is then unknown, not assumed.
        this.guarantees.set(e.app, e.guarantee ?? null);
        return;
      case 'command.accepted':
        if (e.command.type === 'streams.start')
          this.nodes.set(`${NODE_PREFIX}${e.command.instance}`, e.command.app);
        return;
      case 'streams.crashed':
        return this.onCrash(e.node, e.seq, e.atMs);
      case 'streams.restarted': {
        const app = this.nodes.get(e.node);
        const last = app ? this.crashes.get(app)?.at(-1) : undefined;
        if (last && last.instance === instanceOf(e.node) && !last.restart)
          last.restart = { seq: e.seq, atMs: e.atMs };
        return;
      }
      case 'streams.tasksAssigned':
      case 'streams.tasksCorrupted':
        this.disrupted.set(e.app, e.seq);
        return;
      case 'streams.committed': {
        let m = this.committed.get(e.app);
        if (!m) this.committed.set(e.app, (m = new Map()));
        for (const o of e.offsets) m.set(`${o.topic}-${o.partition}`, o.offset);
        return;
      }
      default:
        return;
    }
  }

  /** The application whose instance node wrote a record (null: not a streams instance). */
  appOf(writer: string | null): AppRef | null {
    if (writer === null || !writer.startsWith(NODE_PREFIX)) return null;
    const app = this.nodes.get(writer);
    if (app === undefined) return null;
    return { app, guarantee: this.guarantees.get(app) ?? null };
  }

  /**
   * Seq of the application's last crash, task assignment or corrupted task. Input is processed
   * twice only after one of these: two equal outputs with none between come from two equal inputs.
   */
  lastDisruptionSeq(app: string): number {
    return this.disrupted.get(app) ?? -1;
  }

  /** The latest crash of one of the application's instances between two trace points. */
  crashBetween(app: string, afterSeq: number, beforeSeq: number): AppCrash | undefined {
    const list = this.crashes.get(app) ?? [];
    for (let i = list.length - 1; i >= 0; i--) {
      const c = list[i]!;
      if (c.seq > afterSeq && c.seq < beforeSeq) return c;
    }
    return undefined;
  }

  /** at_least_once output written by `writer`: acknowledged at the instance's next commit. */
  awaitCommit(writer: string, tp: TpLogs, x: Entry): void {
    let list = this.unacked.get(writer);
    if (!list) this.unacked.set(writer, (list = []));
    list.push({ tp, x });
  }

  /**
   * An at_least_once commit waits until the producer has every record acknowledged before it
   * commits the input offsets: the instance's output so far is acknowledged at this commit.
   */
  takeAcknowledged(writer: string): { tp: TpLogs; x: Entry }[] {
    const list = this.unacked.get(writer) ?? [];
    this.unacked.delete(writer);
    return list;
  }

  private onCrash(node: string, seq: number, atMs: number): void {
    const app = this.nodes.get(node);
    if (app === undefined) return;
    this.disrupted.set(app, seq);
    // A crashed instance's unacknowledged output may never be acknowledged: it was not committed.
    this.unacked.delete(node);
    const offsets = [...(this.committed.get(app) ?? [])].map(([tp, o]) => `${tp} offset ${o}`);
    let list = this.crashes.get(app);
    if (!list) this.crashes.set(app, (list = []));
    list.push({
      instance: instanceOf(node),
      seq,
      atMs,
      committed: offsets.length > 0 ? offsets.sort().join(', ') : '',
      restart: null,
    });
    if (list.length > MAX_CRASHES) list.shift();
  }
}

export const instanceOf = (node: string): string =>
  node.startsWith(NODE_PREFIX) ? node.slice(NODE_PREFIX.length) : node;

/** "app shop (processing.guarantee=exactly_once_v2)", or without the setting when unknown. */
export function appName(a: AppRef): string {
  return a.guarantee ? `app ${a.app} (processing.guarantee=${a.guarantee})` : `app ${a.app}`;
}

/** "instance a crashed at 13.400 s". */
export function crashWords(c: AppCrash): string {
  return `instance ${c.instance} crashed at ${seconds(c.atMs)}`;
}

/** Where the reprocessing started: the committed offsets, or the start when none were committed. */
export function fromWords(c: AppCrash): string {
  return c.committed
    ? `from the last committed offsets (${c.committed})`
    : 'from the beginning (no input offset had been committed yet, and auto.offset.reset is earliest)';
}
