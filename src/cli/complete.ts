/**
 * Tab completion: tool names, then a tool's options, then topics after --topic and groups after
 * --group (read from the snapshot). Returns the candidates for the word under the cursor.
 */
import type { ClusterSnapshot } from '../engine';
import { CONSUMER_OPTIONS } from './tools/console-consumer';
import { PRODUCER_OPTIONS } from './tools/console-producer';
import { CONFIGS_OPTIONS } from './tools/kafka-configs';
import { ELECTION_OPTIONS } from './tools/kafka-leader-election';
import { GROUPS_OPTIONS } from './tools/kafka-consumer-groups';
import { GET_OFFSETS_OPTIONS } from './tools/kafka-get-offsets';
import { TOPICS_OPTIONS } from './tools/kafka-topics';
import type { OptionSpecs } from './options';

const OPTIONS: Record<string, OptionSpecs | string[]> = {
  'kafka-topics': TOPICS_OPTIONS,
  'kafka-console-producer': PRODUCER_OPTIONS,
  'kafka-console-consumer': CONSUMER_OPTIONS,
  'kafka-consumer-groups': GROUPS_OPTIONS,
  'kafka-get-offsets': GET_OFFSETS_OPTIONS,
  'kafka-configs': CONFIGS_OPTIONS,
  'kafka-leader-election': ELECTION_OPTIONS,
  'kafka-metadata-quorum': [
    '--bootstrap-server',
    'describe',
    '--status',
    '--replication',
    '--human-readable',
  ],
  'kafka-transactions': ['--bootstrap-server', 'list', 'describe', '--transactional-id'],
};

/** Values an option takes from a fixed set (the topic config keys the simulation knows). */
const TOPIC_CONFIG_KEYS = [
  'cleanup.policy',
  'delete.retention.ms',
  'max.compaction.lag.ms',
  'max.message.bytes',
  'message.timestamp.type',
  'min.cleanable.dirty.ratio',
  'min.compaction.lag.ms',
  'min.insync.replicas',
  'retention.bytes',
  'retention.ms',
  'segment.bytes',
  'segment.ms',
  'unclean.leader.election.enable',
];
const FIXED_VALUES: Record<string, string[]> = {
  '--election-type': ['preferred', 'unclean'],
  '--entity-type': ['topics'],
  '--add-config': TOPIC_CONFIG_KEYS.map((k) => `${k}=`),
  '--delete-config': TOPIC_CONFIG_KEYS,
  '--config': TOPIC_CONFIG_KEYS.map((k) => `${k}=`),
};

const TOOL_NAMES = [...Object.keys(OPTIONS), 'help', 'clear'];

/** Candidates for the last word of `before` (the text left of the cursor). */
export function complete(before: string, snapshot: ClusterSnapshot | null): string[] {
  const words = before.split(/\s+/);
  const current = words[words.length - 1] ?? '';
  const segment = words.slice(0, -1);
  const lastSep = Math.max(segment.lastIndexOf(';'), segment.lastIndexOf('&&'));
  const cmd = segment.slice(lastSep + 1);
  if (cmd.length === 0) return TOOL_NAMES.filter((t) => t.startsWith(current)).sort();
  const tool = cmd[0]!.replace(/\.sh$/, '');
  const prev = cmd[cmd.length - 1];
  if (snapshot && (prev === '--topic' || prev === '--entity-name')) {
    return snapshot.topics
      .map((t) => t.name)
      .filter((n) => n.startsWith(current))
      .sort();
  }
  if (snapshot && prev === '--group') {
    return snapshot.groups
      .map((g) => g.groupId)
      .filter((n) => n.startsWith(current))
      .sort();
  }
  const fixed = FIXED_VALUES[prev ?? ''];
  if (fixed) return fixed.filter((v) => v.startsWith(current));
  if (prev === '--bootstrap-server' && snapshot) {
    return [...snapshot.brokers.map((b) => `broker-${b.id}:9092`), 'localhost:9092'].filter((n) =>
      n.startsWith(current),
    );
  }
  const specs = OPTIONS[tool];
  if (!specs) return [];
  const names = Array.isArray(specs) ? specs : Object.keys(specs).map((k) => `--${k}`);
  return names.filter((n) => n.startsWith(current)).sort();
}
