/**
 * `Topology#describe()` text, byte for byte (InternalTopologyBuilder.TopologyDescription#toString).
 * Kafka orders nodes with a comparator on "sub-tree size" (descending), then name. Successor and
 * predecessor lists are TreeSets filled while sizes are still growing, so their order depends on the
 * order Kafka visits nodes (a HashMap of node names) and on the red-black tree each insert walks.
 * Both are reproduced here: java-hash.ts for the HashMap order, JavaTreeSet below for java.util.TreeMap.
 */
import { javaHashMapOrder } from '../group/java-hash';
import type { TopologyGraph, TopologyNode } from './topology-builder';

interface DNode {
  node: TopologyNode;
  size: number;
  predecessors: JavaTreeSet;
  successors: JavaTreeSet;
}

/** NodeComparator: larger sub-tree first, then by name (Java String#compareTo: UTF-16 code units). */
function compareNodes(a: DNode, b: DNode): number {
  if (a === b) return 0;
  if (a.size !== b.size) return b.size - a.size;
  return a.node.name < b.node.name ? -1 : a.node.name > b.node.name ? 1 : 0;
}

interface RbEntry {
  item: DNode;
  left: RbEntry | null;
  right: RbEntry | null;
  parent: RbEntry | null;
  red: boolean;
}

/** java.util.TreeSet over a comparator whose keys may change after insertion (as Kafka's do). */
export class JavaTreeSet {
  private root: RbEntry | null = null;

  add(item: DNode): void {
    if (!this.root) {
      this.root = { item, left: null, right: null, parent: null, red: false };
      return;
    }
    let t: RbEntry | null = this.root;
    let parent: RbEntry = t;
    let cmp = 0;
    while (t) {
      parent = t;
      cmp = compareNodes(item, t.item);
      if (cmp < 0) t = t.left;
      else if (cmp > 0) t = t.right;
      else return;
    }
    const e: RbEntry = { item, left: null, right: null, parent, red: true };
    if (cmp < 0) parent.left = e;
    else parent.right = e;
    this.fixAfterInsertion(e);
  }

  values(): DNode[] {
    const out: DNode[] = [];
    const walk = (e: RbEntry | null) => {
      if (!e) return;
      walk(e.left);
      out.push(e.item);
      walk(e.right);
    };
    walk(this.root);
    return out;
  }

  private fixAfterInsertion(start: RbEntry): void {
    let x: RbEntry | null = start;
    const red = (e: RbEntry | null) => e?.red ?? false;
    while (x && x !== this.root && red(x.parent)) {
      const p: RbEntry = x.parent!;
      const g: RbEntry | null = p.parent;
      if (g && p === g.left) {
        const y = g.right;
        if (red(y)) {
          p.red = false;
          y!.red = false;
          g.red = true;
          x = g;
        } else {
          if (x === p.right) {
            x = p;
            this.rotateLeft(x);
          }
          x.parent!.red = false;
          if (x.parent!.parent) {
            x.parent!.parent.red = true;
            this.rotateRight(x.parent!.parent);
          }
        }
      } else {
        const y = g?.left ?? null;
        if (red(y)) {
          p.red = false;
          y!.red = false;
          g!.red = true;
          x = g;
        } else {
          if (x === p.left) {
            x = p;
            this.rotateRight(x);
          }
          x.parent!.red = false;
          if (x.parent!.parent) {
            x.parent!.parent.red = true;
            this.rotateLeft(x.parent!.parent);
          }
        }
      }
    }
    this.root!.red = false;
  }

  private rotateLeft(p: RbEntry): void {
    const r = p.right!;
    p.right = r.left;
    if (r.left) r.left.parent = p;
    r.parent = p.parent;
    if (!p.parent) this.root = r;
    else if (p.parent.left === p) p.parent.left = r;
    else p.parent.right = r;
    r.left = p;
    p.parent = r;
  }

  private rotateRight(p: RbEntry): void {
    const l = p.left!;
    p.left = l.right;
    if (l.right) l.right.parent = p;
    l.parent = p.parent;
    if (!p.parent) this.root = l;
    else if (p.parent.right === p) p.parent.right = l;
    else p.parent.left = l;
    l.right = p;
    p.parent = l;
  }
}

function updateSize(n: DNode, delta: number): void {
  n.size += delta;
  for (const p of n.predecessors.values()) updateSize(p, delta);
}

const names = (set: JavaTreeSet): string => {
  const v = set.values();
  return v.length === 0 ? 'none' : v.map((d) => d.node.name).join(', ');
};

/** Java's AbstractCollection#toString of a HashSet<String>. */
const javaSet = (items: string[]): string => `[${javaHashMapOrder(items).join(', ')}]`;

function nodeText(d: DNode): string {
  const n = d.node;
  if (n.kind === 'source')
    return `Source: ${n.name} (topics: ${javaSet(n.topics)})\n      --> ${names(d.successors)}`;
  if (n.kind === 'sink') return `Sink: ${n.name} (topic: ${n.topics[0]})\n      <-- ${names(d.predecessors)}`;
  return `Processor: ${n.name} (stores: ${javaSet(n.stores)})\n      --> ${names(d.successors)}\n      <-- ${names(d.predecessors)}`;
}

/** describeSubtopology: connect nodes in HashMap order, growing sizes as Kafka does. */
function describeSubtopology(graph: TopologyGraph, id: number, members: string[]): string {
  const byName = new Map(graph.nodes.map((n) => [n.name, n]));
  const visit = javaHashMapOrder(javaHashMapOrder(members));
  const dnodes = new Map<string, DNode>();
  for (const name of visit) {
    dnodes.set(name, {
      node: byName.get(name)!,
      size: 1,
      predecessors: new JavaTreeSet(),
      successors: new JavaTreeSet(),
    });
  }
  for (const name of visit) {
    const d = dnodes.get(name)!;
    for (const pName of d.node.predecessors) {
      const p = dnodes.get(pName)!;
      d.predecessors.add(p);
      p.successors.add(d);
      updateSize(p, d.size);
    }
  }
  const sorted = [...dnodes.values()].sort(compareNodes);
  return `Sub-topology: ${id}\n${sorted.map((d) => `    ${nodeText(d)}\n`).join('')}\n`;
}

/** The exact text of `topology.describe().toString()` for this graph (no global stores). */
export function describeTopology(graph: TopologyGraph): string {
  return `Topologies:\n ${graph.subtopologies.map((members, id) => `  ${describeSubtopology(graph, id, members)}`).join('')}`;
}
