/**
 * kafka-console-consumer (ConsoleConsumer.java, ConsoleConsumerOptions.java,
 * DefaultMessageFormatter.java): a real simulated consumer that prints each record as the
 * simulation delivers it, until --max-messages, --timeout-ms (virtual time) or Ctrl-C, then
 * `Processed a total of N messages` on stderr.
 */
import { isEngineError, murmur2, toPositive, type ConfigValue, type LogRecord } from '../../engine';
import { checkBootstrap, freshClientId, keyValues, log4jTime, stackTrace } from '../common';
import { Opts, type OptionSpecs } from '../options';
import type { CliChunk, CliHandle, CliResult, CliTarget } from '../types';
import { CONSUMER_HELP } from '../help/console-consumer';
import { parseWith, requireArg, usage } from './usage';

export const CONSUMER_OPTIONS: OptionSpecs = {
  'bootstrap-server': { arg: true },
  'consumer-property': { arg: true },
  'consumer.config': { arg: true },
  'enable-systest-events': {},
  formatter: { arg: true },
  'formatter-config': { arg: true },
  /** KIP-1147's name for --property (Kafka 4.2); accepted as an alias. */
  'formatter-property': { arg: true },
  'from-beginning': {},
  group: { arg: true },
  help: {},
  include: { arg: true },
  'isolation-level': { arg: true },
  'key-deserializer': { arg: true },
  'max-messages': { arg: true },
  offset: { arg: true },
  partition: { arg: true },
  property: { arg: true },
  'skip-message-on-error': {},
  'timeout-ms': { arg: true },
  topic: { arg: true },
  'value-deserializer': { arg: true },
  version: {},
};

interface Format {
  timestamp: boolean;
  key: boolean;
  offset: boolean;
  partition: boolean;
  headers: boolean;
  value: boolean;
  keySeparator: string;
  lineSeparator: string;
  nullLiteral: string;
}

export function consoleConsumer(target: CliTarget, args: string[]): CliResult | CliHandle {
  const parsed = parseWith(CONSUMER_OPTIONS, args, 'usage', CONSUMER_HELP);
  if ('exitCode' in parsed) return parsed;
  const o = new Opts(parsed);
  if (o.has('help') || args.length === 0) {
    return usage(
      'This tool helps to read data from Kafka topics and outputs it to standard output.',
      CONSUMER_HELP,
    );
  }
  if ([o.value('topic'), o.value('include')].filter((v) => v !== undefined).length !== 1) {
    return usage('Exactly one of --include/--topic is required. ', CONSUMER_HELP);
  }
  if (o.has('partition')) {
    if (!o.has('topic')) return usage('The topic is required when partition is specified.', CONSUMER_HELP);
    if (o.has('from-beginning') && o.has('offset')) {
      return usage('Options from-beginning and offset cannot be specified together.', CONSUMER_HELP);
    }
  } else if (o.has('offset'))
    return usage('The partition is required when offset is specified.', CONSUMER_HELP);
  const missing = requireArg(o, 'bootstrap-server', CONSUMER_HELP);
  if (missing) return missing;
  const extra = keyValues(o.all('consumer-property'));
  const groups = new Set([o.value('group'), extra['group.id']].filter((g): g is string => g !== undefined));
  if (groups.size > 1) {
    return usage(
      "The group ids provided in different places (directly using '--group', via '--consumer-property', or via '--consumer.config') do not match. Detected group ids: " +
        [...groups].map((g) => `'${g}'`).join(', '),
      CONSUMER_HELP,
    );
  }
  if (groups.size > 0 && o.has('partition'))
    return usage('Options group and partition cannot be specified together.', CONSUMER_HELP);
  const offsetText = o.value('offset');
  if (offsetText !== undefined && !['earliest', 'latest'].includes(offsetText) && !/^\d+$/.test(offsetText)) {
    return usage(
      `The provided offset value '${offsetText}' is incorrect. Valid values are 'earliest', 'latest', or a non-negative long.`,
      CONSUMER_HELP,
    );
  }
  if (o.has('include')) return usage('--include is not supported by StreamLab yet: use --topic.');
  const fmt = formatOf(keyValues([...o.all('property'), ...o.all('formatter-property')]));
  const topic = o.value('topic')!;
  const snapshot = target.snapshot();
  const boot = checkBootstrap(snapshot, o.value('bootstrap-server')!);
  const consumer = freshClientId(target, 'console-consumer');
  const explicitGroup = [...groups][0];
  const groupId =
    explicitGroup ?? `console-consumer-${toPositive(murmur2(bytes(`${consumer}@${target.now()}`))) % 100000}`;
  const isolation = o.value('isolation-level') ?? 'read_uncommitted';
  const config: Record<string, ConfigValue> = {
    'auto.offset.reset': o.has('from-beginning') ? 'earliest' : 'latest',
    // Without --group the console consumer never commits (ConsoleConsumerOptions).
    'enable.auto.commit': explicitGroup !== undefined,
    'isolation.level': isolation,
  };
  const maxMessages = o.has('max-messages') ? Number(o.value('max-messages')) : Infinity;
  const timeoutMs = o.has('timeout-ms') ? Number(o.value('timeout-ms')) : Infinity;
  const handle = new ConsumerHandle(consumer, fmt, maxMessages, timeoutMs, target.now(), target.lastSeq());
  if (!boot.ok) return handle;
  if (!snapshot.topics.some((t) => t.name === topic)) {
    // Kafka's consumer would keep asking for metadata, logging this warning; the engine refuses a
    // subscription to a missing topic, so StreamLab prints the warning once and stops.
    return {
      stdout: '',
      stderr:
        `[${log4jTime(target.now())}] WARN [Consumer clientId=${consumer}, groupId=${groupId}] Error while fetching metadata with correlation id 2 : {${topic}=UNKNOWN_TOPIC_OR_PARTITION} (org.apache.kafka.clients.NetworkClient)\n` +
        'Processed a total of 0 messages\n',
      exitCode: 1,
    };
  }
  try {
    if (o.has('partition')) {
      const partition = Number(o.value('partition'));
      target.dispatch({ type: 'consumer.create', consumer, config });
      target.dispatch({ type: 'consumer.assign', consumer, partitions: [{ topic, partition }] });
      const to =
        offsetText === undefined
          ? o.has('from-beginning')
            ? 'beginning'
            : 'end'
          : offsetText === 'earliest'
            ? 'beginning'
            : offsetText === 'latest'
              ? 'end'
              : Number(offsetText);
      target.dispatch({ type: 'consumer.seek', consumer, topic, partition, to });
    } else {
      target.dispatch({ type: 'consumer.create', consumer, groupId, config });
      target.dispatch({ type: 'consumer.subscribe', consumer, topics: [topic] });
    }
  } catch (e) {
    if (!isEngineError(e)) throw e;
    return {
      stdout: '',
      stderr: stackTrace('org.apache.kafka.common.KafkaException', e.message),
      exitCode: 1,
    };
  }
  handle.connected = true;
  return handle;
}

function bytes(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
}

function formatOf(p: Record<string, string>): Format {
  const flag = (k: string, dflt: boolean) =>
    p[k] === undefined ? dflt : p[k]!.trim().toLowerCase() === 'true';
  const esc = (s: string) => s.replace(/\\t/g, '\t').replace(/\\n/g, '\n');
  return {
    timestamp: flag('print.timestamp', false),
    key: flag('print.key', false),
    offset: flag('print.offset', false),
    partition: flag('print.partition', false),
    headers: flag('print.headers', false),
    value: flag('print.value', true),
    keySeparator: esc(p['key.separator'] ?? '\t'),
    lineSeparator: esc(p['line.separator'] ?? '\n'),
    nullLiteral: p['null.literal'] ?? 'null',
  };
}

/** One record as DefaultMessageFormatter writes it (delivery count and epoch are off by default). */
export function formatRecord(f: Format, partition: number, r: LogRecord): string {
  const parts: string[] = [];
  if (f.timestamp) parts.push(`CreateTime:${r.timestamp}`);
  if (f.partition) parts.push(`Partition:${partition}`);
  if (f.offset) parts.push(`Offset:${r.offset}`);
  if (f.headers) {
    const h = Object.entries(r.headers ?? {});
    parts.push(h.length === 0 ? 'NO_HEADERS' : h.map(([k, v]) => `${k}:${v}`).join(','));
  }
  if (f.key) parts.push(r.key ?? f.nullLiteral);
  const head = parts.join(f.keySeparator);
  if (!f.value) return head;
  return (parts.length > 0 ? head + f.keySeparator : '') + (r.value ?? f.nullLiteral) + f.lineSeparator;
}

class ConsumerHandle implements CliHandle {
  readonly started: CliChunk = { stdout: '', stderr: '' };
  readonly prompt = null;
  connected = false;
  private count = 0;
  private finished = false;

  constructor(
    readonly consumer: string,
    private readonly fmt: Format,
    private readonly maxMessages: number,
    private readonly timeoutMs: number,
    private lastRecordMs: number,
    private seenSeq: number,
  ) {}

  poll(target: CliTarget): CliChunk {
    if (this.finished) return { stdout: '', stderr: '' };
    let stdout = '';
    const logs = new Map<string, LogRecord[]>();
    for (const e of target.events(this.seenSeq)) {
      this.seenSeq = e.seq;
      if (e.type !== 'consumer.received' || e.consumer !== this.consumer) continue;
      for (const rec of e.records) {
        const full = lookup(target, logs, rec.topic, rec.partition, rec.offset) ?? {
          offset: rec.offset,
          key: rec.key,
          value: rec.value,
          timestamp: -1,
          leaderEpoch: -1,
        };
        stdout += formatRecord(this.fmt, rec.partition, full);
        this.count++;
        this.lastRecordMs = e.atMs;
        if (this.count >= this.maxMessages) return { ...this.stop(target, ''), stdout };
      }
    }
    if (target.now() - this.lastRecordMs >= this.timeoutMs) {
      const error =
        `[${log4jTime(target.now())}] ERROR Error processing message, terminating consumer process:  ` +
        `(org.apache.kafka.tools.consumer.ConsoleConsumer)\norg.apache.kafka.common.errors.TimeoutException\n`;
      return { ...this.stop(target, error), stdout };
    }
    return { stdout, stderr: '' };
  }

  private stop(target: CliTarget, before: string): CliChunk {
    this.finished = true;
    if (this.connected) {
      try {
        target.dispatch({ type: 'consumer.close', consumer: this.consumer });
      } catch (e) {
        if (!isEngineError(e)) throw e;
      }
    }
    return { stdout: '', stderr: `${before}Processed a total of ${this.count} messages\n`, exitCode: 0 };
  }

  input(): CliChunk {
    return { stdout: '', stderr: '' };
  }

  interrupt(target: CliTarget): CliChunk {
    if (this.finished) return { stdout: '', stderr: '', exitCode: 130 };
    return { ...this.stop(target, ''), exitCode: 130 };
  }

  endOfInput(): CliChunk {
    return { stdout: '', stderr: '' };
  }
}

/** The leader's copy of a record, for its timestamp and headers (the fetch carried them). */
function lookup(
  target: CliTarget,
  cache: Map<string, LogRecord[]>,
  topic: string,
  partition: number,
  offset: number,
) {
  const key = `${topic}-${partition}`;
  let records = cache.get(key);
  if (!records) {
    const p = target
      .snapshot()
      .topics.find((t) => t.name === topic)
      ?.partitions.find((x) => x.partition === partition);
    const broker = p ? (p.leader >= 0 ? p.leader : p.replicas[0]) : undefined;
    try {
      records = broker === undefined ? [] : target.readLog(broker, topic, partition);
    } catch {
      records = [];
    }
    cache.set(key, records);
  }
  let lo = 0;
  let hi = records.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = records[mid]!;
    if (r.offset === offset) return r;
    if (r.offset < offset) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}
