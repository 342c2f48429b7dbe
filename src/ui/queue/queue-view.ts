/**
 * What the cluster view shows of the message queue, computed from the snapshot: the queue broker's
 * rows (which messages fit, ready or in flight, and the counters) and the service boxes' wording.
 * Pure, so the same snapshot is the same picture.
 */
import type { QueueMessageSnapshot, QueueSnapshot, ServiceSnapshot } from '../../engine';

export const QUEUE_LABEL_W = 116;
export const QUEUE_COUNTS_W = 92;
export const MESSAGE_W = 52;
export const MESSAGE_GAP = 4;

export interface MessageCell {
  key: string;
  x: number;
  message: QueueMessageSnapshot;
}

export interface QueueRowView {
  cells: MessageCell[];
  /** Messages that did not fit (shown as "+N"). */
  hidden: number;
}

/** The messages that fit a row `width` px wide, oldest first (the ones a consumer gets next). */
export function queueRowView(queue: QueueSnapshot, width: number): QueueRowView {
  const area = Math.max(0, width - QUEUE_LABEL_W - QUEUE_COUNTS_W);
  const fit = Math.max(1, Math.floor((area + MESSAGE_GAP) / (MESSAGE_W + MESSAGE_GAP)));
  const n = queue.messages.length;
  const shown = n > fit ? fit - 1 : n;
  return {
    cells: queue.messages.slice(0, shown).map((message, i) => ({
      key: message.messageId,
      x: QUEUE_LABEL_W + i * (MESSAGE_W + MESSAGE_GAP),
      message,
    })),
    hidden: n - shown,
  };
}

/** `worker:billing` → `billing`. */
export function shortName(node: string): string {
  return node.includes(':') ? node.slice(node.indexOf(':') + 1) : node;
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** The queue's counters, one short line each (they sit in a narrow column at the row's end). */
export function queueCounts(q: QueueSnapshot): string[] {
  return [`${q.ready} ready`, `${q.inFlight} in flight`, `${q.deleted} deleted`];
}

export function redeliveredText(q: QueueSnapshot): string | undefined {
  return q.redelivered > 0 ? `${q.redelivered} redelivered` : undefined;
}

export function visibilityText(q: QueueSnapshot): string {
  return `visibility ${seconds(q.visibilityTimeoutMs)}`;
}

export interface ServiceCard {
  node: string;
  role: ServiceSnapshot['role'];
  title: string;
  alive: boolean;
  /** A batch job between runs: its process is not running. */
  asleep: boolean;
  /** Most to least informative; the box picks what fits. */
  details: string[];
}

const ROLE_TITLE: Record<ServiceSnapshot['role'], string> = {
  sender: 'sender',
  worker: 'worker',
  batch: 'batch job',
  account: 'service',
};

export function serviceCards(services: readonly ServiceSnapshot[] | undefined): ServiceCard[] {
  return (services ?? []).map((s) => ({
    node: s.node,
    role: s.role,
    title: `${ROLE_TITLE[s.role]} ${s.id}`,
    alive: s.alive,
    asleep: s.alive && s.role === 'batch' && s.state === 'sleeping',
    details: s.alive ? serviceDetails(s) : ['down', 'down'],
  }));
}

function serviceDetails(s: ServiceSnapshot): string[] {
  switch (s.role) {
    case 'sender':
      return [`${s.count} sent${s.queue ? ` to ${s.queue}` : ''}`, `${s.count} sent`];
    case 'worker': {
      const doing = s.holding[0]
        ? `handling ${s.holding[0]}`
        : s.state === 'polling'
          ? 'waiting (long poll)'
          : s.state;
      return [`streaming · ${doing} · ${s.count} done`, `${doing} · ${s.count} done`, `${s.count} done`];
    }
    case 'batch': {
      if (s.state === 'sleeping') {
        const next = s.nextRunAtMs !== null ? `next run ${seconds(s.nextRunAtMs)}` : 'asleep';
        return [`asleep · ${next} · ${s.count} done`, `asleep · ${next}`, 'asleep'];
      }
      const held = s.holding.length;
      const from = s.topic ? `topic ${s.topic}` : s.queue;
      return [`run ${s.runs ?? 0} · ${s.state} ${from} · ${held} in hand`, `${s.state} · ${held}`, s.state];
    }
    case 'account': {
      const entries = Object.entries(s.balances ?? {}).map(([a, b]) => `${a} ${b}`);
      return [
        entries.join(' · '),
        entries.join('·'),
        entries.map((e) => e.replace(' ', '')).join(' '),
        `${s.count} done`,
      ];
    }
  }
}
