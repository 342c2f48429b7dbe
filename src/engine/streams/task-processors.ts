/**
 * The processors of a task, one small function per node role. Stateful ones own Kafka-shaped state:
 * an aggregate behind a record cache, suppress buffers, join buffers and table stores; every store
 * write is also a changelog write, and every store can be restored from its changelog records.
 */
import { AggregateProcessor, initialAggregateState, type Change } from './aggregate';
import { compileExpr, formatValue, isTruthy, type StreamValue } from './expr';
import { data, streamJoin, tableJoin, tableSource } from './task-joins';
import { CachedStore } from './record-cache';
import { SuppressProcessor, type SuppressState } from './suppress';
import type { AggregateNodeData, AggregateRuntime, NodeImpl, TaskContext, TaskRecord } from './task-types';
import type { TopologyNode } from './topology-builder';
import type { TopologyStep } from './topology-spec';
import type { Window, WindowSpec } from './windows';

export type { AggregateNodeData, AggregateRuntime, NodeImpl, ProcessorData, TaskState } from './task-types';

/** Kafka's Windowed#toString, used as the key of windowed results written to topics. */
export function windowedKey(key: string, win: Window): string {
  return `[${key}@${win.startMs}/${win.endMs}]`;
}

const rowId = (key: string, win?: Window) => (win ? `${win.startMs}:${win.endMs}:${key}` : key);

function parseRowId(id: string): { key: string; win?: Window } {
  const m = /^(-?\d+):(-?\d+):(.*)$/s.exec(id);
  return m ? { key: m[3]!, win: { startMs: Number(m[1]), endMs: Number(m[2]) } } : { key: id };
}

function stepOf(task: TaskContext, id: string): TopologyStep {
  return task.graph.spec.steps.find((s) => s.id === id)!;
}

function windowsOf(
  task: TaskContext,
  step: Extract<TopologyStep, { op: 'aggregate' }>,
): WindowSpec | undefined {
  const from = stepOf(task, step.from);
  return from.op === 'windowedBy' ? from.windows : undefined;
}

/** The grace suppress waits for (GraphGraceSearchUtil): grace, plus the gap for sessions. */
function suppressDuration(w: WindowSpec): number {
  return w.type === 'session' ? w.gapMs + w.graceMs : w.graceMs;
}

export function buildProcessors(task: TaskContext, members: Set<string>): void {
  for (const node of task.graph.nodes) {
    if (!members.has(node.name)) continue;
    const impl = processorFor(task, node);
    if (impl) task.impls.set(node.name, impl);
  }
}

function processorFor(task: TaskContext, node: TopologyNode): NodeImpl | undefined {
  const step = stepOf(task, node.stepId);
  const fwd = (r: TaskRecord) => task.forward(node, r);
  const ctx = (r: TaskRecord) => ({ key: r.key, value: r.value, timestamp: r.timestampMs });
  switch (node.role) {
    case 'filter':
    case 'filterNot': {
      const s = step as Extract<TopologyStep, { op: 'filter' | 'filterNot' }>;
      const pred = compileExpr(s.predicate);
      const keep = s.op === 'filter';
      return (r) => (isTruthy(pred(ctx(r))) === keep ? fwd(r) : undefined);
    }
    case 'map': {
      const s = step as Extract<TopologyStep, { op: 'map' }>;
      const [k, v] = [compileExpr(s.key), compileExpr(s.value)];
      return (r) => fwd({ ...r, key: keyText(k(ctx(r))), value: v(ctx(r)) });
    }
    case 'selectKey':
    case 'groupBy': {
      const k = compileExpr((step as { key: string }).key);
      return (r) => fwd({ ...r, key: keyText(k(ctx(r))) });
    }
    case 'mapValues': {
      const v = compileExpr((step as Extract<TopologyStep, { op: 'mapValues' }>).value);
      return (r) => fwd({ ...r, value: v(ctx(r)) });
    }
    case 'flatMapValues': {
      const v = compileExpr((step as Extract<TopologyStep, { op: 'flatMapValues' }>).values);
      return (r) => {
        const out = v(ctx(r));
        for (const x of Array.isArray(out) ? out : [out]) fwd({ ...r, value: x });
      };
    }
    case 'split':
      return splitProcessor(task, node, step as Extract<TopologyStep, { op: 'split' }>);
    case 'aggregate':
      return aggregateProcessor(task, node, step as Extract<TopologyStep, { op: 'aggregate' }>);
    case 'suppress':
      return suppressProcessor(task, node, step as Extract<TopologyStep, { op: 'suppress' }>);
    case 'toStream':
      // A windowed table's key becomes Kafka's Windowed<K> text; the Change's new value travels on.
      return (r) =>
        fwd({
          key: r.win && r.key !== null ? windowedKey(r.key, r.win) : r.key,
          value: r.value,
          timestampMs: r.timestampMs,
        });
    case 'table-source':
      return tableSource(task, node);
    case 'tableJoin':
      return tableJoin(task, node, step as Extract<TopologyStep, { op: 'tableJoin' }>);
    case 'join-this':
    case 'join-other':
      return streamJoin(
        task,
        node,
        step as Extract<TopologyStep, { op: 'join' }>,
        node.role === 'join-this' ? 'left' : 'right',
      );
    default:
      return undefined; // sources, branches, repartition filters, windowed buffers, merge: pass-through
  }
}

function keyText(v: StreamValue): string | null {
  return v === null ? null : typeof v === 'string' ? v : formatValue(v);
}

function splitProcessor(
  task: TaskContext,
  node: TopologyNode,
  step: Extract<TopologyStep, { op: 'split' }>,
): NodeImpl {
  const preds = step.branches.map((b) => compileExpr(b.predicate ?? 'true'));
  const children = step.branches.map((b) => task.graph.outputOf[b.id]!);
  const fallback = step.defaultBranch ? task.graph.outputOf[step.defaultBranch.id] : undefined;
  return (r) => {
    const i = preds.findIndex((p) => isTruthy(p({ key: r.key, value: r.value, timestamp: r.timestampMs })));
    const target = i >= 0 ? children[i] : fallback;
    if (target !== undefined) task.forward(node, r, target);
  };
}

function aggregateProcessor(
  task: TaskContext,
  node: TopologyNode,
  step: Extract<TopologyStep, { op: 'aggregate' }>,
): NodeImpl {
  const store = node.stores[0]!;
  const d = data<AggregateNodeData>(task, node.name, () => ({
    agg: initialAggregateState(),
    cache: { store: new Map(), cache: new Map(), bytes: 0 },
    meta: new Map(),
  }));
  const st: AggregateRuntime = {
    proc: new AggregateProcessor({ kind: step.kind, of: step.of }, windowsOf(task, step), d.agg),
    cache: new CachedStore(task.config.cacheMaxBytes, d.cache),
    store,
    meta: d.meta,
  };
  task.state.aggregates.set(node.name, st);
  const emit = (id: string, newValue: StreamValue, oldValue: StreamValue) => {
    const m = st.meta.get(id)!;
    task.out.changelog.push({
      store,
      key: id,
      value: newValue === null ? null : JSON.stringify({ v: newValue, ts: m.timestampMs }),
    });
    task.forward(node, { key: m.key, value: newValue, oldValue, timestampMs: m.timestampMs, win: m.win });
  };
  task.flushers.push(() => {
    for (const f of st.cache.flush()) emit(f.key, f.newValue, f.oldValue);
  });
  task.restorers.set(store, (key, value) => {
    const { key: k, win } = parseRowId(key);
    if (value === null) {
      st.proc.rows.delete(key);
      st.cache.store.delete(key);
      return;
    }
    const { v, ts } = JSON.parse(value) as { v: StreamValue; ts: number };
    st.proc.rows.set(key, { key: k, win, value: v, timestampMs: ts });
    st.cache.store.set(key, v);
    d.agg.observedStreamTimeMs = Math.max(d.agg.observedStreamTimeMs, ts);
  });
  return (r) => {
    const res = st.proc.process({ key: r.key, value: r.value, timestamp: r.timestampMs }, task.currentSource);
    for (const d of res.dropped) task.drop(node, d.message, r.timestampMs, d.win);
    for (const c of res.changes) {
      const id = rowId(c.key, c.win);
      st.meta.set(id, { key: c.key, win: c.win, timestampMs: c.timestampMs });
      for (const f of st.cache.put(id, c.newValue)) emit(f.key, f.newValue, f.oldValue);
    }
  };
}

function suppressProcessor(
  task: TaskContext,
  node: TopologyNode,
  step: Extract<TopologyStep, { op: 'suppress' }>,
): NodeImpl {
  const from = stepOf(task, step.from) as Extract<TopologyStep, { op: 'aggregate' }>;
  const state = data<SuppressState>(task, node.name, () => ({ observedStreamTimeMs: -1, buffer: new Map() }));
  const proc = new SuppressProcessor(suppressDuration(windowsOf(task, from)!), state);
  const store = node.stores[0]!;
  task.state.suppressors.set(node.name, { proc, store });
  task.restorers.set(store, (key, value) =>
    proc.restore(key, value === null ? null : (JSON.parse(value) as Change)),
  );
  return (r) => {
    const change: Change = {
      key: r.key!,
      win: r.win,
      newValue: r.value,
      oldValue: r.oldValue ?? null,
      timestampMs: r.timestampMs,
    };
    const id = rowId(change.key, change.win);
    task.out.changelog.push({ store, key: id, value: JSON.stringify(change) });
    for (const c of proc.process(change, r.timestampMs)) {
      task.out.changelog.push({ store, key: rowId(c.key, c.win), value: null });
      task.forward(node, {
        key: c.key,
        value: c.newValue,
        oldValue: c.oldValue,
        timestampMs: c.timestampMs,
        win: c.win,
      });
    }
  };
}
