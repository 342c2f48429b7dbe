/**
 * What a task's state stores hold, as plain rows for the snapshot (the Streams view draws them as
 * tables that update): key → value, windowed keys with their time range, the suppress buffer and the
 * join buffers. Read from the task's plain data (TaskData.processors), never from live objects, so a
 * restored keyframe shows the same contents.
 */
import type { AggregateNodeData } from './task-types';
import type { TaskData } from './task';
import type { StreamValue } from './expr-types';
import { formatValue } from './expr-eval';
import type { JoinState } from './join';
import type { SuppressState } from './suppress';
import type { StoreKind, TopologyGraph } from './topology-builder';

export interface StoreRowView {
  key: string;
  /** The row's time range (time windows: end exclusive; sliding and session ones: end inclusive). */
  startMs?: number;
  endMs?: number;
  value: string | null;
}

export interface StoreView {
  store: string;
  kind: StoreKind;
  /** The rows, in Kafka's store order (range start, then key); the last `maxRows` when longer. */
  rows: StoreRowView[];
  /** How many rows the store holds in all. */
  total: number;
  /** Sliding and session windows include their end; time windows do not. */
  inclusiveEnd: boolean;
}

/** The windows' type (tumbling, sliding, …) of the aggregate implemented by `stepId`, if windowed. */
function windowTypeOf(graph: TopologyGraph, stepId: string): string | undefined {
  const step = graph.spec.steps.find((s) => s.id === stepId);
  if (step?.op !== 'aggregate') return undefined;
  const from = graph.spec.steps.find((s) => s.id === step.from);
  return from?.op === 'windowedBy' ? from.windows.type : undefined;
}

const byWindowThenKey = (a: StoreRowView, b: StoreRowView) =>
  (a.startMs ?? 0) - (b.startMs ?? 0) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

const text = (v: StreamValue) => formatValue(v);

/** Every store of sub-topology `subtopology`'s task with its contents (at most `maxRows` rows each). */
export function storeViews(
  graph: TopologyGraph,
  subtopology: number,
  data: TaskData,
  maxRows = 40,
): StoreView[] {
  const members = new Set(graph.subtopologies[subtopology] ?? []);
  const kindOf = new Map(graph.stores.map((s) => [s.name, s.kind] as const));
  const out: StoreView[] = [];
  const seen = new Set<string>();
  const add = (store: string, rows: StoreRowView[], inclusiveEnd = false) => {
    if (seen.has(store)) return;
    seen.add(store);
    rows.sort(byWindowThenKey);
    out.push({
      store,
      kind: kindOf.get(store) ?? 'key-value',
      rows: rows.slice(-maxRows),
      total: rows.length,
      inclusiveEnd,
    });
  };
  const p = data.processors;
  for (const node of graph.nodes) {
    if (!members.has(node.name)) continue;
    for (const store of node.stores) {
      const agg = p[node.name] as AggregateNodeData | undefined;
      const sup = p[node.name] as SuppressState | undefined;
      const table = p[`table:${store}`] as Map<string, StreamValue> | undefined;
      const join = p[`join:${node.stepId}`] as JoinState | undefined;
      if (agg && 'agg' in agg) {
        add(
          store,
          [...agg.agg.rows.values()].map((r) => ({
            key: r.key,
            ...(r.win ? { startMs: r.win.startMs, endMs: r.win.endMs } : {}),
            value: text(r.value),
          })),
          ['sliding', 'session'].includes(windowTypeOf(graph, node.stepId) ?? ''),
        );
      } else if (sup && 'buffer' in sup) {
        add(
          store,
          [...sup.buffer.values()].map((c) => ({
            key: c.key,
            ...(c.win ? { startMs: c.win.startMs, endMs: c.win.endMs } : {}),
            value: text(c.newValue),
          })),
        );
      } else if (table instanceof Map) {
        add(
          store,
          [...table].map(([key, v]) => ({ key, value: text(v) })),
        );
      } else if (
        join &&
        'stores' in join &&
        (node.role === 'join-this-windowed' || node.role === 'join-other-windowed')
      ) {
        const side = node.role === 'join-this-windowed' ? 'left' : 'right';
        add(
          store,
          join.stores[side].map((s) => ({ key: s.key, startMs: s.timestampMs, value: text(s.value) })),
        );
      } else {
        add(store, []);
      }
    }
  }
  return out;
}
