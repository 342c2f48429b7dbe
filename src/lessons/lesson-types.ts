/**
 * What a lesson is made of (DESIGN §5): plain data plus pure functions of the engine's state. The
 * flow machine (lesson-machine.ts) walks the steps; the UI and the headless tests feed it the
 * engine's events and snapshots and carry out the commands it emits. Nothing here waits for time:
 * a step moves on when a fact holds (an engine event arrived, or a predicate on the snapshot).
 *
 * Text is plain strings, rendered as text. Paragraphs are array items; inside one, `**bold**` and
 * `` `code` `` are the only markup (LessonText.svelte turns them into elements, never HTML).
 */
import type { ClusterSnapshot, Command, ComparisonId, EngineEvent, SimulationOptions } from '../engine';
import type { MomentKind } from '../bridge/key-moments';

/** What a predicate may look at: the cluster now, and what happened on the way. */
export interface FactView {
  snapshot: ClusterSnapshot;
  /** Events since the step was entered (RPC traffic left out). */
  stepEvents: readonly EngineEvent[];
  /** Events since the lesson started (RPC traffic left out; the newest HISTORY_MAX). */
  history: readonly EngineEvent[];
  /** The cluster as it was when the step was entered (undefined before the first snapshot). */
  entry: ClusterSnapshot | undefined;
}

/**
 * A fact a step waits for. It holds when an engine event of `event` type arrives while the step is
 * active (and `where` accepts it), or when `state` holds for the snapshot. Give both when you can:
 * the state predicate still recognises the fact after a reload, when the event is long gone.
 */
export interface Fact {
  /** Shown while waiting, e.g. "Waiting for a new controller to be elected…". */
  waitingFor: string;
  event?: string;
  where?: (event: EngineEvent, view: FactView) => boolean;
  state?: (view: FactView) => boolean;
}

/** Commands the learner triggers with a button ("Crash the controller"), computed from the state. */
export interface LessonAction {
  id: string;
  label: string;
  /** `view`: what happened so far too (e.g. the time of a record the lesson wrote earlier). */
  commands: (snapshot: ClusterSnapshot, view: FactView) => Command[];
}

/** Which tool tabs of the workspace the learner may use. */
export type ToolTab = 'setup' | 'produce' | 'consume' | 'faults' | 'inspect';

interface StepBase {
  /** Unique within the lesson; answers are saved under it. */
  id: string;
  title: string;
  /** Paragraphs of plain text. */
  body: readonly string[];
  /** Buttons that run commands; each may be pressed once. */
  actions?: readonly LessonAction[];
  /** Commands run when the step is entered for the first time. */
  onEnter?: (snapshot: ClusterSnapshot) => Command[];
  /** Tool tabs open during this step (default: the lesson's `tools`). */
  tools?: readonly ToolTab[];
  /** A live line computed from the cluster, e.g. "controller-2 leads the quorum (epoch 1)". */
  status?: (snapshot: ClusterSnapshot) => string;
  /** A same-seed comparison the step offers: a button opens both runs side by side (issue 18). */
  compare?: ComparisonId;
  /**
   * The facts this step is about (an election, an ISR change, an ack…): when one happens during
   * playback, it eases into slow motion around it, and "Replay this moment" plays it again.
   */
  moments?: readonly MomentKind[];
}

/** Text to read (and maybe buttons to press); Next is always allowed. */
export interface NarrativeStep extends StepBase {
  kind: 'narrative';
}

/** Next is allowed once the fact holds. */
export interface WaitStep extends StepBase {
  kind: 'wait';
  fact: Fact;
  /**
   * What happened, said once the fact holds (instead of a bare “Done”): computed from the engine's
   * state then, and saved with the progress like a reveal.
   */
  outcome?: (view: FactView) => string;
}

export interface Choice {
  id: string;
  label: string;
}

/**
 * Predict, then reveal: the learner picks an answer, then `run` is dispatched, the step waits for
 * `until`, and `reveal` says what actually happened, computed from the engine's state.
 */
export interface PredictStep extends StepBase {
  kind: 'predict';
  question: string;
  choices: readonly Choice[];
  run?: (snapshot: ClusterSnapshot) => Command[];
  /**
   * The rest of the experiment, each part once, when its condition holds (after the answer, before
   * the reveal): "once p1's writes are acknowledged, crash the leader". Conditions, not timers.
   */
  then?: readonly {
    when: (view: FactView) => boolean;
    commands: (snapshot: ClusterSnapshot, view: FactView) => Command[];
  }[];
  until: Fact;
  /** `text` may hold several paragraphs separated by `\n` (same markup as the body). */
  reveal: (view: FactView) => { text: string; correct?: string };
}

export type CheckResult = { ok: true; message: string } | { ok: false; hint: string };

/**
 * A goal the learner reaches with the tools, any way they like. `check` runs on the state when the
 * learner presses "Check": tolerant (any correct way passes), and a wrong attempt gets a hint.
 */
export interface ChallengeStep extends StepBase {
  kind: 'challenge';
  goal: string;
  check: (view: FactView) => CheckResult;
}

export type LessonStep = NarrativeStep | WaitStep | PredictStep | ChallengeStep;

export interface Lesson {
  /** URL-safe, e.g. `04-cluster`; `?lesson=<id>` opens it. */
  id: string;
  /** Position in the course: 1–12, then 13 onwards for the "Going further" lessons. */
  number: number;
  title: string;
  summary: string;
  /** Pinned: the same seed tells the same story. */
  seed: number;
  /** The cluster's shape and configs (seed comes from `seed`). */
  options: Omit<SimulationOptions, 'seed'>;
  /** Dispatched once the cluster is ready (quorum leader, brokers unfenced). */
  setup: readonly Command[];
  /** The lesson starts once this holds after the setup (default: every setup topic exists). */
  setupDone?: (snapshot: ClusterSnapshot) => boolean;
  /** Playback speed to start at: slower shows messages in flight. */
  speed?: 0.1 | 0.25 | 0.5 | 1 | 2 | 5;
  /** Tool tabs open (default: all). */
  tools?: readonly ToolTab[];
  steps: readonly LessonStep[];
}

/** A catalog entry: a lesson, or the free sandbox. */
export type CatalogEntry =
  | { kind: 'lesson'; lesson: Lesson }
  | { kind: 'sandbox'; id: string; number: number; title: string; summary: string };
