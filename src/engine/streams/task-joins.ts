/**
 * A task's join and table processors: a KTable source writing its store (and changelog), the
 * stream-table join reading it, and the two sides of a stream-stream join sharing one JoinState.
 */
import { formatValue, parseRecordValue, type StreamValue } from './expr';
import {
  StreamStreamJoin,
  StreamTableJoin,
  initialJoinState,
  type JoinResult,
  type JoinState,
  type Side,
} from './join';
import type { NodeImpl, ProcessorData, TaskContext } from './task-types';
import type { TopologyNode } from './topology-builder';
import type { TopologyStep } from './topology-spec';

/** The data under `id` in the task, created on first use (or found there when the task is rehydrated). */
export function data<T extends ProcessorData[string]>(task: TaskContext, id: string, init: () => T): T {
  const d = task.data.processors;
  if (!Object.hasOwn(d, id)) d[id] = init();
  return d[id] as T;
}

function tableStore(task: TaskContext, store: string, kind: 'inner' | 'left'): StreamTableJoin {
  let t = task.state.tables.get(store);
  if (!t) {
    t = new StreamTableJoin(
      kind,
      data<Map<string, StreamValue>>(task, `table:${store}`, () => new Map()),
    );
    task.state.tables.set(store, t);
    const table = t;
    task.restorers.set(store, (key, value) => table.updateTable(key, parseRecordValue(value)));
  }
  return t;
}

export function tableSource(task: TaskContext, node: TopologyNode): NodeImpl {
  const store = node.stores[0];
  return (r) => {
    if (store !== undefined) {
      const t = tableStore(task, store, 'inner');
      const old = r.key === null ? null : (t.table.get(r.key) ?? null);
      t.updateTable(r.key, r.value);
      if (r.key !== null) task.out.changelog.push({ store, key: r.key, value: formatValue(r.value) });
      task.forward(node, { ...r, oldValue: old });
    } else {
      task.forward(node, r);
    }
  };
}

export function tableJoin(
  task: TaskContext,
  node: TopologyNode,
  step: Extract<TopologyStep, { op: 'tableJoin' }>,
): NodeImpl {
  const store = node.stores[0]!;
  const t = tableStore(task, store, step.kind);
  const join = new StreamTableJoin(step.kind, t.table);
  return (r) => {
    const res = join.process({ key: r.key, value: r.value, timestampMs: r.timestampMs });
    if (res) task.forward(node, { key: res.key, value: joinedValue(res), timestampMs: res.timestampMs });
  };
}

function joinedValue(res: JoinResult): StreamValue {
  return { left: res.left, right: res.right };
}

export function streamJoin(
  task: TaskContext,
  node: TopologyNode,
  step: Extract<TopologyStep, { op: 'join' }>,
  side: Side,
): NodeImpl {
  let j = task.state.joins.get(step.id);
  if (!j) {
    j = new StreamStreamJoin(
      step.kind,
      step.windows,
      data<JoinState>(task, `join:${step.id}`, initialJoinState),
    );
    task.state.joins.set(step.id, j);
  }
  const join = j;
  const ownStore = task.graph.nodes.find(
    (n) =>
      n.stepId === step.id && n.role === (side === 'left' ? 'join-this-windowed' : 'join-other-windowed'),
  )!.stores[0]!;
  task.restorers.set(ownStore, (key, value) => {
    const m = /^(\d+):(.*)$/s.exec(key);
    if (m && value !== null)
      join.stores[side].push({ key: m[2]!, value: parseRecordValue(value), timestampMs: Number(m[1]) });
  });
  return (r) => {
    for (const res of join.process(side, { key: r.key, value: r.value, timestampMs: r.timestampMs })) {
      task.forward(node, { key: res.key, value: joinedValue(res), timestampMs: res.timestampMs });
    }
    if (r.key !== null && r.value !== null) {
      task.out.changelog.push({
        store: ownStore,
        key: `${r.timestampMs}:${r.key}`,
        value: formatValue(r.value),
      });
    }
  };
}
