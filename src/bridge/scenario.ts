/**
 * A scenario: everything needed to rebuild a session exactly — the options (seed, cluster shape,
 * configs, network) and the timed command log — plus where on its timeline to open it. It is what
 * a share link and a downloaded file hold.
 *
 * Anything imported is untrusted data: it is checked here against a schema (valibot) with hard
 * limits on size, count and virtual time (so a link cannot ask for hours of CPU), then the worker
 * has the engine validate every command before replaying it. A scenario is only ever data; nothing
 * in it is evaluated or rendered as HTML.
 */
import * as v from 'valibot';
import type { Simulation, SimulationOptions } from '../engine';

export const SCENARIO_FORMAT = 'streamlab.scenario';
export const SCENARIO_VERSION = 1;

export const SCENARIO_LIMITS = {
  commands: 5000,
  /** A scenario file, as read from disk. */
  fileBytes: 1_000_000,
  /** The encoded scenario in a link. */
  linkChars: 200_000,
  /** Decoded JSON text: bounds what a small compressed link may expand to. */
  jsonBytes: 2_000_000,
  /** An hour of virtual time: replaying that takes about a second. */
  virtualMs: 3_600_000,
  configKeys: 64,
} as const;

/** A command as a scenario carries it: the engine checks the fields when it is replayed. */
export interface ScenarioCommand {
  atMs: number;
  processed: number;
  command: { type: string; [field: string]: unknown };
}

export interface Scenario {
  format: typeof SCENARIO_FORMAT;
  version: typeof SCENARIO_VERSION;
  options: SimulationOptions;
  commands: ScenarioCommand[];
  /** Where to open the session: this virtual time ... */
  atMs: number;
  /** ... and, to be exact inside that millisecond, this many actions (optional). */
  actions?: number;
  /** The end of the timeline (the commands may reach past `atMs`: the future is shared too). */
  endMs: number;
}

const wholeNumber = v.pipe(v.number(), v.safeInteger('must be a whole number'), v.minValue(0, 'must be ≥ 0'));
const virtualMs = v.pipe(
  wholeNumber,
  v.maxValue(SCENARIO_LIMITS.virtualMs, `must be at most ${SCENARIO_LIMITS.virtualMs} ms (an hour)`),
);
const shortText = (max: number) => v.pipe(v.string(), v.minLength(1), v.maxLength(max));

const OptionsSchema = v.strictObject({
  seed: v.pipe(v.number(), v.safeInteger('must be a whole number')),
  brokers: v.pipe(wholeNumber, v.minValue(1, 'must be 1 to 9'), v.maxValue(9, 'must be 1 to 9')),
  controllers: v.optional(
    v.pipe(wholeNumber, v.minValue(1, 'must be 1 to 7'), v.maxValue(7, 'must be 1 to 7')),
  ),
  brokerConfig: v.optional(
    v.pipe(
      v.record(shortText(100), v.union([v.pipe(v.string(), v.maxLength(200)), v.number(), v.boolean()])),
      v.check((o) => Object.keys(o).length <= SCENARIO_LIMITS.configKeys, 'has too many keys'),
    ),
  ),
  network: v.optional(
    v.strictObject({
      latencyMsMin: v.optional(v.pipe(wholeNumber, v.maxValue(60_000))),
      latencyMsMax: v.optional(v.pipe(wholeNumber, v.maxValue(60_000))),
      lossRate: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1))),
    }),
  ),
});

const TimedCommandSchema = v.strictObject({
  atMs: virtualMs,
  processed: wholeNumber,
  command: v.looseObject({ type: shortText(40) }),
});

const ScenarioSchema = v.pipe(
  v.strictObject({
    format: v.literal(SCENARIO_FORMAT, `must be "${SCENARIO_FORMAT}"`),
    version: v.literal(SCENARIO_VERSION, `must be ${SCENARIO_VERSION} (this StreamLab reads version 1)`),
    options: OptionsSchema,
    commands: v.pipe(
      v.array(TimedCommandSchema),
      v.maxLength(SCENARIO_LIMITS.commands, `may hold at most ${SCENARIO_LIMITS.commands} commands`),
    ),
    atMs: virtualMs,
    actions: v.optional(wholeNumber),
    endMs: virtualMs,
  }),
  v.check(
    (s) => inOrder(s.commands),
    'commands must be in the order they happened (atMs and processed never decrease)',
  ),
  v.check((s) => s.atMs <= s.endMs, 'atMs must not be past endMs'),
  v.check((s) => (s.commands.at(-1)?.atMs ?? 0) <= s.endMs, 'no command may come after endMs'),
);

function inOrder(commands: readonly { atMs: number; processed: number }[]): boolean {
  for (let i = 1; i < commands.length; i++) {
    const a = commands[i - 1]!;
    const b = commands[i]!;
    if (b.atMs < a.atMs || b.processed < a.processed) return false;
  }
  return true;
}

export type ParsedScenario = { ok: true; scenario: Scenario } | { ok: false; message: string };

/** Check untrusted data against the schema; the message names the first problem and where. */
export function parseScenario(input: unknown): ParsedScenario {
  const result = v.safeParse(ScenarioSchema, input);
  if (result.success) return { ok: true, scenario: result.output };
  const [first, ...rest] = result.issues;
  const path = first ? v.getDotPath(first) : null;
  const where = path ? `${path}: ` : '';
  const more = rest.length > 0 ? ` (and ${rest.length} more problem${rest.length > 1 ? 's' : ''})` : '';
  return { ok: false, message: `${where}${first?.message ?? 'not a scenario'}${more}` };
}

/** The scenario of a session built in code (tests, benches): its commands, opened at `atMs` (its end). */
export function scenarioAtEnd(options: SimulationOptions, sim: Simulation, atMs?: number): Scenario {
  const endMs = sim.now();
  return {
    format: SCENARIO_FORMAT,
    version: SCENARIO_VERSION,
    options,
    commands: sim.commandLog(),
    atMs: atMs ?? endMs,
    endMs,
  };
}
