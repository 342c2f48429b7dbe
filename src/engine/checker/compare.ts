/**
 * Same-seed comparisons (issue 18, item 3): run one script from one seed under both settings of a
 * comparison (comparisons.ts), check both traces, find the first event where they part, and say
 * per guarantee what each side got ("acks=1: 3 acknowledged writes lost · acks=all: none lost").
 * Pure and deterministic: both runs are ordinary engine runs, nothing is drawn or timed here.
 */
import type { FacadeSimulation } from '../simulation';
import type { EngineEvent, NodeSnapshot, SimulationOptions } from '../types';
import { checkTrace } from './checker';
import {
  comparisonSpec,
  type ComparisonId,
  type ComparisonSide,
  type ComparisonSpec,
  type FactName,
  type Settings,
} from './comparisons';
import { offsetGrid, type OffsetGrid } from './grid';
import { FINDING_KINDS, FINDING_TITLES, seconds, type Finding, type FindingKind } from './types';

export interface ComparisonRun {
  side: ComparisonSide;
  /** The whole trace, RPCs included. */
  events: EngineEvent[];
  findings: Finding[];
  /** The offset grid of the comparison's topic, partition 0. */
  grid: OffsetGrid | null;
  /** The nodes at the end of the run (the diagram's lifelines). */
  nodes: NodeSnapshot[];
  endMs: number;
}

export interface Divergence {
  /** Position in both traces (events before it are the same, the setting itself aside). */
  index: number;
  /** The two events at that position (undefined: that trace had already ended). */
  events: [EngineEvent | undefined, EngineEvent | undefined];
  /** Each event in a few words. */
  sentences: [string, string];
  /**
   * When each side's event (the same message or fact, told the same way) happens in the other run,
   * from the divergence on: null if it never does.
   */
  counterparts: [number | null, number | null];
}

export interface VerdictLine {
  /** The guarantee or fact: "Lost acknowledged writes". */
  guarantee: string;
  /** One line naming both sides: "acks=1: 3 acknowledged writes lost (allowed) · acks=all: none lost". */
  text: string;
  /** Whether the two sides differ on it. */
  differs: boolean;
}

export interface ComparisonResult {
  spec: ComparisonSpec;
  runs: [ComparisonRun, ComparisonRun];
  divergence: Divergence | null;
  verdicts: VerdictLine[];
}

export type SimulationFactory = (options: SimulationOptions) => FacadeSimulation;

/** Run a comparison's script under one side's settings. */
export function runScript(
  spec: ComparisonSpec,
  settings: Settings,
  create: SimulationFactory,
): FacadeSimulation {
  const sim = create(spec.options(settings));
  const ready = sim.runUntil((s) => {
    const snap = s.snapshot();
    return snap.quorum.leader !== null && snap.brokers.every((b) => !b.alive || b.state === 'unfenced');
  }, 20_000);
  if (!ready) throw new Error(`comparison ${spec.id}: the cluster did not become ready`);
  let since = sim.events().at(-1)?.seq ?? 0;
  for (const step of spec.script) {
    if ('run' in step) sim.runFor(step.run);
    else if ('until' in step) sim.runUntil((s) => step.until(s, since), step.maxMs);
    else {
      since = sim.events().at(-1)?.seq ?? 0;
      for (const c of step.dispatch(sim.snapshot(), settings)) sim.dispatch(c);
    }
  }
  return sim;
}

function runSide(spec: ComparisonSpec, side: ComparisonSide, create: SimulationFactory): ComparisonRun {
  const sim = runScript(spec, side.settings, create);
  const events = sim.events();
  const checker = checkTrace(events);
  return {
    side,
    events,
    findings: [...checker.findings()],
    grid: offsetGrid(checker, spec.topic, 0),
    nodes: sim.snapshot().nodes,
    endMs: sim.now(),
  };
}

/**
 * An event as compared: without its seq, and with the compared setting masked out (its keys, and
 * string values equal to either side's value), so that the setting itself is not the divergence.
 */
function masker(sides: readonly ComparisonSide[]) {
  const keys = new Set(sides.flatMap((s) => Object.keys(s.settings)));
  const values = new Set(
    sides.flatMap((s) => Object.values(s.settings).filter((v) => typeof v === 'string')),
  );
  return (e: EngineEvent | undefined) =>
    e === undefined
      ? ''
      : JSON.stringify(e, (k, v: unknown) =>
          k === 'seq' || keys.has(k) ? undefined : typeof v === 'string' && values.has(v) ? '(setting)' : v,
        );
}

/** The first position where the traces differ, the compared setting aside; null if they never do. */
export function firstDivergence(
  a: readonly EngineEvent[],
  b: readonly EngineEvent[],
  sides: readonly ComparisonSide[] = [],
): Divergence | null {
  const mask = masker(sides);
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const [ma, mb] = [mask(a[i]), mask(b[i])];
    if (ma === mb) continue;
    const sentences: [string, string] = [describeEvent(a[i]), describeEvent(b[i])];
    if (sentences[0] === sentences[1]) {
      // The same message with different contents: say where they differ.
      const path = diffPath(JSON.parse(ma) as unknown, JSON.parse(mb) as unknown);
      sentences[0] += `; its ${path} differs`;
      sentences[1] += `; its ${path} differs`;
    }
    return {
      index: i,
      events: [a[i], b[i]],
      sentences,
      counterparts: [counterpart(a[i], b, i), counterpart(b[i], a, i)],
    };
  }
  return null;
}

/** When `e` (told the same way) happens in `other`, from position `from` on. */
function counterpart(e: EngineEvent | undefined, other: readonly EngineEvent[], from: number): number | null {
  if (!e) return null;
  const told = what(e);
  for (let j = from; j < other.length; j++) if (what(other[j]!) === told) return other[j]!.atMs;
  return null;
}

/** The first field path where two JSON values differ (`body.assignments[0]`). */
function diffPath(a: unknown, b: unknown, path = ''): string {
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) {
      const [x, y] = [(a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]];
      if (JSON.stringify(x) === JSON.stringify(y)) continue;
      return diffPath(x, y, Array.isArray(a) ? `${path}[${k}]` : path ? `${path}.${k}` : k);
    }
  }
  return path || 'content';
}

/** One event in a few words, for the divergence. */
export function describeEvent(e: EngineEvent | undefined): string {
  return e ? `${seconds(e.atMs)}: ${what(e)}` : 'the run had ended';
}

function what(e: EngineEvent): string {
  switch (e.type) {
    case 'rpc.sent':
      return `${e.from} sends ${e.kind} to ${e.to}`;
    case 'rpc.delivered':
      return `${e.kind} from ${e.from} reaches ${e.to}`;
    case 'rpc.dropped':
      return `${e.kind} from ${e.from} to ${e.to} is dropped (${e.reason})`;
    case 'producer.acked':
      return `${e.producer} is told offset ${e.offset} of ${e.topic}-${e.partition} is written`;
    case 'partition.changed':
      return `${e.topic}-${e.partition} leader ${e.leader < 0 ? 'none' : `broker-${e.leader}`}, ISR [${e.isr.join(',')}]`;
    default:
      return e.type;
  }
}

const NOUNS: Record<FindingKind, [string, string, string]> = {
  'lost-write': ['acknowledged write lost', 'acknowledged writes lost', 'none lost'],
  duplicate: ['record written twice', 'records written twice', 'no duplicate'],
  reorder: ['pair reordered within a key', 'pairs reordered within a key', 'order kept'],
  'aborted-read': ['aborted read', 'aborted reads', 'no aborted read'],
  'uncommitted-read': ['uncommitted read', 'uncommitted reads', 'no uncommitted read'],
  'read-above-hw': ['read above the high watermark', 'reads above the high watermark', 'none'],
  unseen: ['acknowledged record never read', 'acknowledged records never read', 'every one read'],
};

function findingText(run: ComparisonRun, kind: FindingKind): string {
  const of = run.findings.filter((f) => f.kind === kind);
  const [one, many, none] = NOUNS[kind];
  if (of.length === 0) return `${run.side.label}: ${none}`;
  const bad = of.filter((f) => f.verdict === 'violation').length;
  const verdict = bad > 0 ? `${bad} a violation` : 'allowed';
  return `${run.side.label}: ${of.length} ${of.length === 1 ? one : many} (${verdict})`;
}

const FACT_TITLES: Record<FactName, string> = {
  acked: 'Sends acknowledged',
  offline: 'Time the partition had no leader',
  revoked: 'Partitions taken from their readers',
  whole: 'Members that gave up every partition they had (stop-the-world)',
  unread: 'Longest a taken partition waited for its next reader',
};

/** Counted facts of a trace: what the sides did besides the checker's findings. */
export function traceFacts(run: ComparisonRun, topic: string): Record<FactName, string> {
  const sends = run.events.filter(
    (e) => e.type === 'command.accepted' && e.command.type === 'producer.send',
  ).length;
  const acked = run.events.filter((e) => e.type === 'producer.acked').length;
  let offlineMs = 0;
  let offlineSince: number | null = null;
  const revokedAt = new Map<string, number>();
  const owned = new Map<string, number>();
  let revoked = 0;
  let whole = 0;
  let longest = 0;
  for (const e of run.events) {
    if (e.type === 'partition.changed' && e.topic === topic && e.partition === 0) {
      if (e.leader < 0 && offlineSince === null) offlineSince = e.atMs;
      if (e.leader >= 0 && offlineSince !== null) {
        offlineMs += e.atMs - offlineSince;
        offlineSince = null;
      }
    } else if (e.type === 'consumer.revoked' && e.partitions.length > 0) {
      for (const p of e.partitions) revokedAt.set(`${p.topic}-${p.partition}`, e.atMs);
      revoked += e.partitions.length;
      if (e.partitions.length >= (owned.get(e.consumer) ?? 0)) whole++;
      owned.set(e.consumer, (owned.get(e.consumer) ?? 0) - e.partitions.length);
    } else if (e.type === 'consumer.assigned') {
      // Kafka's assigned: the whole new assignment (eager) or what was added (cooperative);
      // either way the member now owns at least these.
      owned.set(e.consumer, Math.max(owned.get(e.consumer) ?? 0, e.partitions.length));
      for (const p of e.partitions) {
        const k = `${p.topic}-${p.partition}`;
        const at = revokedAt.get(k);
        if (at !== undefined) longest = Math.max(longest, e.atMs - at);
        revokedAt.delete(k);
      }
    }
  }
  if (offlineSince !== null) offlineMs += run.endMs - offlineSince;
  return {
    acked: `${acked} of ${sends}`,
    offline: offlineMs === 0 ? 'never' : seconds(offlineMs),
    revoked: `${revoked}`,
    whole: `${whole}`,
    unread: revoked === 0 ? '—' : seconds(longest),
  };
}

/** A line per guarantee the checker knows (kept when either side has findings of it, or it is a
 *  promise every comparison shows), then the comparison's counted facts. */
export function verdictLines(
  spec: ComparisonSpec,
  runs: readonly [ComparisonRun, ComparisonRun],
): VerdictLine[] {
  const always: FindingKind[] = ['lost-write', 'duplicate', 'reorder'];
  const lines: VerdictLine[] = [];
  for (const kind of FINDING_KINDS) {
    const n = runs.map((r) => r.findings.filter((f) => f.kind === kind).length);
    if (!always.includes(kind) && n[0] === 0 && n[1] === 0) continue;
    lines.push({
      guarantee: FINDING_TITLES[kind],
      text: `${findingText(runs[0], kind)} · ${findingText(runs[1], kind)}`,
      differs: n[0] !== n[1],
    });
  }
  const [fa, fb] = runs.map((r) => traceFacts(r, spec.topic));
  for (const name of spec.facts) {
    lines.push({
      guarantee: FACT_TITLES[name],
      text: `${runs[0].side.label}: ${fa![name]} · ${runs[1].side.label}: ${fb![name]}`,
      differs: fa![name] !== fb![name],
    });
  }
  return lines;
}

/** Both runs of a comparison, their findings, where they part, and the verdicts. */
export function runComparisonWith(id: ComparisonId, create: SimulationFactory): ComparisonResult {
  const spec = comparisonSpec(id);
  const runs = [runSide(spec, spec.sides[0], create), runSide(spec, spec.sides[1], create)] as [
    ComparisonRun,
    ComparisonRun,
  ];
  return {
    spec,
    runs,
    divergence: firstDivergence(runs[0].events, runs[1].events, spec.sides),
    verdicts: verdictLines(spec, runs),
  };
}
