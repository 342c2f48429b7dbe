/**
 * The terminal's entry point: `execute(sim, line)` runs one command line (docs/cli.md). Tool
 * names are accepted as `kafka-X.sh` and `kafka-X`. Lines joined by `;` or `&&` are split by the
 * caller with `parseLine` (a long-running command must finish before the next one starts).
 */
import type { Simulation } from '../engine';
import { parseLine, ShellSyntaxError } from './tokenize';
import { kafkaTransactions } from './tools/kafka-admin-misc';
import { kafkaConfigs } from './tools/kafka-configs';
import { kafkaLeaderElection } from './tools/kafka-leader-election';
import { consoleConsumer } from './tools/console-consumer';
import { consoleProducer } from './tools/console-producer';
import { kafkaConsumerGroups } from './tools/kafka-consumer-groups';
import { kafkaGetOffsets } from './tools/kafka-get-offsets';
import { kafkaMetadataQuorum } from './tools/kafka-metadata-quorum';
import { kafkaTopics } from './tools/kafka-topics';
import { done, type CliOutcome, type CliTarget } from './types';
import { KAFKA_VERSION } from './version';

type Tool = (target: CliTarget, args: string[]) => CliOutcome;

export const TOOLS: Record<string, { run: Tool; summary: string }> = {
  'kafka-topics': { run: kafkaTopics, summary: 'create, list, describe, alter and delete topics' },
  'kafka-console-producer': { run: consoleProducer, summary: 'send one record per typed line' },
  'kafka-console-consumer': { run: consoleConsumer, summary: 'print records as they arrive' },
  'kafka-consumer-groups': {
    run: kafkaConsumerGroups,
    summary: 'list, describe, reset and delete consumer groups',
  },
  'kafka-get-offsets': { run: kafkaGetOffsets, summary: "a partition's earliest, latest or by-time offset" },
  'kafka-configs': { run: kafkaConfigs, summary: "describe and alter a topic's configs" },
  'kafka-leader-election': { run: kafkaLeaderElection, summary: 'preferred or unclean leader election' },
  'kafka-metadata-quorum': {
    run: kafkaMetadataQuorum,
    summary: 'the KRaft quorum: describe --status | --replication',
  },
  'kafka-transactions': { run: kafkaTransactions, summary: 'list and describe transactions' },
};

/** A Simulation is a CliTarget once it can say how long its trace is. */
export function targetOf(sim: Simulation | CliTarget): CliTarget {
  if (!('position' in sim)) return sim;
  return {
    dispatch: (c) => sim.dispatch(c),
    snapshot: () => sim.snapshot(),
    events: (since) => sim.events(since),
    lastSeq: () => sim.trace().length,
    readLog: (b, t, p) => sim.readLog(b, t, p),
    now: () => sim.now(),
    brokerConfig: sim.options.brokerConfig,
  };
}

export function toolName(word: string): string {
  const base = word.replace(/^.*\//, '');
  return base.endsWith('.sh') ? base.slice(0, -3) : base;
}

export function helpText(): string {
  const width = Math.max(...Object.keys(TOOLS).map((t) => t.length)) + 2;
  const lines = Object.entries(TOOLS).map(([name, t]) => `  ${name.padEnd(width)}${t.summary}`);
  return (
    `Kafka ${KAFKA_VERSION} command-line tools, run against this simulated cluster.\n` +
    `Brokers listen on broker-N:9092 (localhost:9092 is broker-1).\n\n${lines.join('\n')}\n\n` +
    `Also: help, clear. Ctrl-C stops a running command; ';' and '&&' chain commands.\n`
  );
}

/** Run one command (no `;` or `&&`: see parseLine). */
export function executeWords(sim: Simulation | CliTarget, words: string[]): CliOutcome {
  const target = targetOf(sim);
  const [first, ...args] = words;
  if (first === undefined) return done('');
  if (first === 'help') return done(helpText());
  const tool = TOOLS[toolName(first)];
  if (!tool) return done('', `${first}: command not found\n`, 127);
  return tool.run(target, args);
}

/** `execute(sim, line)`: the contract. A line with several commands runs only its first here. */
export function execute(sim: Simulation | CliTarget, line: string): CliOutcome {
  let pipelines;
  try {
    pipelines = parseLine(line);
  } catch (e) {
    if (e instanceof ShellSyntaxError) return done('', `bash: ${e.message}\n`, 2);
    throw e;
  }
  return executeWords(sim, pipelines[0]?.words ?? []);
}
