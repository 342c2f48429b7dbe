/**
 * Turns a TopologySpec into Kafka Streams' processor graph with Kafka's own names: one index counter
 * shared by processors and stores (`KSTREAM-FILTER-0000000001`), repartition topics inserted before
 * aggregations and joins after a key change (KStreamImpl / GroupedStreamAggregateBuilder /
 * KStreamImplJoin, read at apache/kafka 1eb7644), state stores, and sub-topologies as the connected
 * components of nodes and shared stores, numbered by their first node (InternalTopologyBuilder).
 */
import { validateTopologySpec, type TopologySpec, type TopologyStep } from './topology-spec';

export type NodeKind = 'source' | 'processor' | 'sink';

export interface TopologyNode {
  name: string;
  kind: NodeKind;
  /** Source: the topics it reads; sink: [its topic]. */
  topics: string[];
  stores: string[];
  /** In the order Kafka connected them. */
  predecessors: string[];
  /** The spec step this node implements, and its role inside that step. */
  stepId: string;
  role: string;
}

export type StoreKind = 'key-value' | 'windowed' | 'session' | 'join-buffer' | 'outer-join' | 'suppress';

export interface StoreInfo {
  name: string;
  kind: StoreKind;
  stepId: string;
}

export interface RepartitionTopic {
  /** As Kafka's describe() prints it; the real topic is `<application.id>-<name>`. */
  name: string;
  stepId: string;
}

export interface TopologyGraph {
  spec: TopologySpec;
  /** In Kafka's node-factory order (the order the DSL wrote them). */
  nodes: TopologyNode[];
  stores: StoreInfo[];
  repartitionTopics: RepartitionTopic[];
  /** Node names per sub-topology id. */
  subtopologies: string[][];
  /** The node whose output a step's handle is (the last node written for it). */
  outputOf: Record<string, string>;
}

interface Handle {
  node: string;
  repartitionRequired: boolean;
  /** For tables: the store a join would materialize. */
  store?: string;
  /** For grouped/windowed handles: Grouped.as name. */
  groupedName?: string;
  /** A stream's cached repartition for joins: Kafka reuses it when the name was generated. */
  joinRepartition?: { name: string; source: string };
}

const pad = (n: number) => String(n).padStart(10, '0');
const GENERATED = /^KSTREAM.*-[0-9]{10}$/;

class Builder {
  private index = 0;
  readonly nodes = new Map<string, TopologyNode>();
  readonly stores = new Map<string, StoreInfo>();
  readonly repartitionTopics: RepartitionTopic[] = [];
  readonly handles = new Map<string, Handle>();
  readonly outputOf: Record<string, string> = {};
  step!: TopologyStep;

  constructor(readonly spec: TopologySpec) {}

  processorName(prefix: string): string {
    return prefix + pad(this.index++);
  }
  storeName(prefix: string): string {
    return `${prefix}STATE-STORE-${pad(this.index++)}`;
  }
  /** NamedInternal#orElseGenerateWithPrefix: a given name still burns an index (compatibility). */
  named(name: string | undefined, prefix: string): string {
    const generated = this.processorName(prefix);
    return name ?? generated;
  }
  /** NamedInternal#suffixWithOrElseGet: burns an index even when a name is given (compatibility). */
  suffixed(name: string | undefined, suffix: string, prefix: string): string {
    const generated = this.processorName(prefix);
    return name !== undefined ? name + suffix : generated;
  }
  add(name: string, kind: NodeKind, predecessors: string[], role: string, topics: string[] = []): string {
    this.nodes.set(name, { name, kind, topics, stores: [], predecessors, stepId: this.step.id, role });
    this.outputOf[this.step.id] = name;
    return name;
  }
  connectStore(store: string, kind: StoreInfo['kind'], ...nodes: string[]): void {
    if (!this.stores.has(store)) this.stores.set(store, { name: store, kind, stepId: this.step.id });
    for (const n of nodes) {
      const node = this.nodes.get(n)!;
      if (!node.stores.includes(store)) node.stores.push(store);
    }
  }
  handle(id: string): Handle {
    return this.handles.get(id)!;
  }

  /** KStreamImpl#createRepartitionedSource: always burns sink, filter, source indices. */
  repartition(prefix: string, parent: string): string {
    const topic = prefix.endsWith('-repartition') ? prefix : `${prefix}-repartition`;
    const genSink = this.processorName('KSTREAM-SINK-');
    const genFilter = this.processorName('KSTREAM-FILTER-');
    const genSource = this.processorName('KSTREAM-SOURCE-');
    const generated = GENERATED.test(prefix);
    const sink = generated ? genSink : `${topic}-sink`;
    const filter = generated ? genFilter : `${topic}-filter`;
    const source = generated ? genSource : `${topic}-source`;
    this.add(filter, 'processor', [parent], 'repartition-filter');
    this.add(sink, 'sink', [filter], 'repartition-sink', [topic]);
    this.add(source, 'source', [], 'repartition-source', [topic]);
    this.repartitionTopics.push({ name: topic, stepId: this.step.id });
    return source;
  }

  /** KStreamImpl#repartitionForJoin: indices are burnt every time; a generated-name node is reused. */
  repartitionForJoin(h: Handle, name: string): Handle {
    if (h.joinRepartition && name === h.node) {
      this.processorName('KSTREAM-SINK-');
      this.processorName('KSTREAM-FILTER-');
      this.processorName('KSTREAM-SOURCE-');
      return { node: h.joinRepartition.source, repartitionRequired: false };
    }
    const source = this.repartition(name, h.node);
    if (name === h.node) h.joinRepartition = { name, source };
    return { node: source, repartitionRequired: false };
  }
}

const STATELESS_PREFIX = {
  filter: 'KSTREAM-FILTER-',
  filterNot: 'KSTREAM-FILTER-',
  map: 'KSTREAM-MAP-',
  mapValues: 'KSTREAM-MAPVALUES-',
  selectKey: 'KSTREAM-KEY-SELECT-',
  flatMapValues: 'KSTREAM-FLATMAPVALUES-',
} as const;

function buildStep(b: Builder, step: TopologyStep): void {
  b.step = step;
  switch (step.op) {
    case 'stream': {
      const node = b.add(b.named(step.name, 'KSTREAM-SOURCE-'), 'source', [], 'source', [step.topic]);
      b.handles.set(step.id, { node, repartitionRequired: false });
      return;
    }
    case 'table': {
      const store = step.store ?? b.storeName(`${step.topic}-`);
      const source = b.add(b.processorName('KSTREAM-SOURCE-'), 'source', [], 'source', [step.topic]);
      const node = b.add(b.processorName('KTABLE-SOURCE-'), 'processor', [source], 'table-source');
      // A source table is materialized when named, or later when a join needs it (KTableSource#materialize).
      if (step.store !== undefined) b.connectStore(store, 'key-value', node);
      b.handles.set(step.id, { node, repartitionRequired: false, store });
      return;
    }
    case 'filter':
    case 'filterNot':
    case 'map':
    case 'mapValues':
    case 'selectKey':
    case 'flatMapValues': {
      const parent = b.handle(step.from);
      const node = b.add(b.named(step.name, STATELESS_PREFIX[step.op]), 'processor', [parent.node], step.op);
      const keyChange = step.op === 'map' || step.op === 'selectKey';
      b.handles.set(step.id, { node, repartitionRequired: keyChange || parent.repartitionRequired });
      return;
    }
    case 'split': {
      const parent = b.handle(step.from);
      const splitter = b.add(b.named(step.name, 'KSTREAM-BRANCH-'), 'processor', [parent.node], 'split');
      const branch = (spec: { id: string; name?: string }, index: number) => {
        const child = splitter + (spec.name ?? String(index));
        b.processorName(child); // BranchedKStreamImpl burns an index per branch
        b.add(child, 'processor', [splitter], 'branch');
        b.outputOf[spec.id] = child;
        b.handles.set(spec.id, { node: child, repartitionRequired: parent.repartitionRequired });
      };
      step.branches.forEach((s, i) => branch(s, i + 1));
      if (step.defaultBranch) branch(step.defaultBranch, 0);
      b.outputOf[step.id] = splitter;
      return;
    }
    case 'groupByKey': {
      const parent = b.handle(step.from);
      b.handles.set(step.id, {
        node: parent.node,
        repartitionRequired: parent.repartitionRequired,
        groupedName: step.name,
      });
      b.outputOf[step.id] = parent.node;
      return;
    }
    case 'groupBy': {
      const parent = b.handle(step.from);
      const node = b.add(b.named(step.name, 'KSTREAM-KEY-SELECT-'), 'processor', [parent.node], 'groupBy');
      b.handles.set(step.id, { node, repartitionRequired: true, groupedName: step.name });
      return;
    }
    case 'windowedBy': {
      b.handles.set(step.id, { ...b.handle(step.from) });
      b.outputOf[step.id] = b.handle(step.from).node;
      return;
    }
    case 'aggregate':
      return buildAggregate(b, step);
    case 'suppress': {
      const parent = b.handle(step.from);
      // KTableImpl#suppress: unlike other operators, a given name burns no index.
      const node = step.name ?? b.processorName('KTABLE-SUPPRESS-');
      const store = step.name !== undefined ? `${step.name}-store` : b.storeName('KTABLE-SUPPRESS-');
      b.add(node, 'processor', [parent.node], 'suppress');
      b.connectStore(store, 'suppress', node);
      b.handles.set(step.id, { node, repartitionRequired: false });
      return;
    }
    case 'toStream': {
      const node = b.add(
        b.named(step.name, 'KTABLE-TOSTREAM-'),
        'processor',
        [b.handle(step.from).node],
        'toStream',
      );
      b.handles.set(step.id, { node, repartitionRequired: false });
      return;
    }
    case 'to': {
      const node = b.add(b.named(step.name, 'KSTREAM-SINK-'), 'sink', [b.handle(step.from).node], 'sink', [
        step.topic,
      ]);
      b.handles.set(step.id, { node, repartitionRequired: false });
      return;
    }
    case 'join':
      return buildJoin(b, step);
    case 'tableJoin': {
      let left = b.handle(step.from);
      if (left.repartitionRequired) left = b.repartitionForJoin(left, step.name ?? left.node);
      const table = b.handle(step.table);
      const node = b.add(
        b.named(step.name, step.kind === 'left' ? 'KSTREAM-LEFTJOIN-' : 'KSTREAM-JOIN-'),
        'processor',
        [left.node],
        'tableJoin',
      );
      b.connectStore(table.store!, 'key-value', node, table.node);
      b.handles.set(step.id, { node, repartitionRequired: false });
      return;
    }
  }
}

function buildAggregate(b: Builder, step: Extract<TopologyStep, { op: 'aggregate' }>): void {
  const grouped = b.handle(step.from);
  const prefix = step.kind === 'latest' ? 'KSTREAM-REDUCE-' : 'KSTREAM-AGGREGATE-';
  const store = step.store ?? b.storeName(prefix);
  const name = b.named(step.name, prefix);
  let parent = grouped.node;
  if (grouped.repartitionRequired) parent = b.repartition(grouped.groupedName ?? store, parent);
  b.add(name, 'processor', [parent], 'aggregate');
  const windowStep = findWindow(b, step.from);
  const kind = !windowStep ? 'key-value' : windowStep.windows.type === 'session' ? 'session' : 'windowed';
  b.connectStore(store, kind, name);
  b.handles.set(step.id, { node: name, repartitionRequired: false });
}

function findWindow(b: Builder, id: string): Extract<TopologyStep, { op: 'windowedBy' }> | undefined {
  const s = b.spec.steps.find((x) => x.id === id);
  return s?.op === 'windowedBy' ? s : undefined;
}

function buildJoin(b: Builder, step: Extract<TopologyStep, { op: 'join' }>): void {
  let left = b.handle(step.from);
  let right = b.handle(step.other);
  if (left.repartitionRequired)
    left = b.repartitionForJoin(left, step.name !== undefined ? `${step.name}-left` : left.node);
  if (right.repartitionRequired)
    right = b.repartitionForJoin(right, step.name !== undefined ? `${step.name}-right` : right.node);
  const rightOuter = step.kind === 'outer';
  const leftOuter = step.kind !== 'inner';
  const thisWindowed = b.suffixed(step.name, '-this-windowed', 'KSTREAM-WINDOWED-');
  const otherWindowed = b.suffixed(step.name, '-other-windowed', 'KSTREAM-WINDOWED-');
  const thisPrefix = rightOuter ? 'KSTREAM-OUTERTHIS-' : 'KSTREAM-JOINTHIS-';
  const joinThisGenerated = b.processorName(thisPrefix);
  const joinOtherGenerated = b.processorName(leftOuter ? 'KSTREAM-OUTEROTHER-' : 'KSTREAM-JOINOTHER-');
  const n = step.name;
  const joinThis = n !== undefined ? n + (rightOuter ? '-outer-this-join' : '-this-join') : joinThisGenerated;
  const joinOther =
    n !== undefined ? n + (leftOuter ? '-outer-other-join' : '-other-join') : joinOtherGenerated;
  const merge = b.suffixed(step.name, '-merge', 'KSTREAM-MERGE-');
  b.add(thisWindowed, 'processor', [left.node], 'join-this-windowed');
  b.add(otherWindowed, 'processor', [right.node], 'join-other-windowed');
  b.add(joinThis, 'processor', [thisWindowed], 'join-this');
  b.add(joinOther, 'processor', [otherWindowed], 'join-other');
  b.add(merge, 'processor', [joinThis, joinOther], 'join-merge');
  b.connectStore(`${joinThisGenerated}-store`, 'join-buffer', thisWindowed, joinOther);
  b.connectStore(`${joinOtherGenerated}-store`, 'join-buffer', otherWindowed, joinThis);
  if (leftOuter) {
    const shared = `KSTREAM-OUTERSHARED-${joinThisGenerated.slice(thisPrefix.length)}-store`;
    b.connectStore(shared, 'outer-join', joinThis, joinOther);
  }
  b.handles.set(step.id, { node: merge, repartitionRequired: false });
}

/** Union-find over nodes: edges and shared stores join nodes into one sub-topology (QuickUnion). */
function subtopologies(nodes: TopologyNode[]): string[][] {
  const parent = new Map<string, string>(nodes.map((n) => [n.name, n.name]));
  const root = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    return r;
  };
  const unite = (a: string, b: string) => parent.set(root(a), root(b));
  const byStore = new Map<string, string>();
  for (const n of nodes) {
    for (const p of n.predecessors) unite(n.name, p);
    for (const s of n.stores) {
      const other = byStore.get(s);
      if (other) unite(n.name, other);
      else byStore.set(s, n.name);
    }
  }
  const groups = new Map<string, string[]>();
  for (const n of nodes) {
    const r = root(n.name);
    if (!groups.has(r)) groups.set(r, []);
    groups.get(r)!.push(n.name);
  }
  return [...groups.values()];
}

/** Builds Kafka's processor graph for a (validated) spec. */
export function buildTopology(spec: TopologySpec): TopologyGraph {
  validateTopologySpec(spec);
  const b = new Builder(spec);
  for (const step of spec.steps) buildStep(b, step);
  const nodes = [...b.nodes.values()];
  return {
    spec,
    nodes,
    stores: [...b.stores.values()],
    repartitionTopics: b.repartitionTopics,
    subtopologies: subtopologies(nodes),
    outputOf: b.outputOf,
  };
}
