/**
 * kafka-console-producer (ConsoleProducer.java, LineMessageReader.java): one record per typed
 * line, `>` before each line. The producer is a real simulated client (`console-producer`), so
 * its batches, acks and retries travel the simulated network like any other producer's.
 */
import { isEngineError, type ConfigValue } from '../../engine';
import { checkBootstrap, exceptionClass, freshClientId, keyValues, log4jTime, stackTrace } from '../common';
import { Opts, type OptionSpecs } from '../options';
import type { CliChunk, CliHandle, CliResult, CliTarget } from '../types';
import { PRODUCER_HELP } from '../help/console-producer';
import { parseWith, requireArg, usage } from './usage';

export const PRODUCER_OPTIONS: OptionSpecs = {
  'batch-size': { arg: true },
  'bootstrap-server': { arg: true },
  'compression-codec': { arg: true },
  help: {},
  'line-reader': { arg: true },
  'max-block-ms': { arg: true },
  'max-memory-bytes': { arg: true },
  'max-partition-memory-bytes': { arg: true },
  'message-send-max-retries': { arg: true },
  'metadata-expiry-ms': { arg: true },
  'producer-property': { arg: true },
  'producer.config': { arg: true },
  property: { arg: true },
  /** KIP-1147's name for --property (Kafka 4.2); accepted as an alias. */
  'reader-property': { arg: true },
  'reader-config': { arg: true },
  'request-required-acks': { arg: true },
  'request-timeout-ms': { arg: true },
  'retry-backoff-ms': { arg: true },
  'socket-buffer-size': { arg: true },
  sync: {},
  timeout: { arg: true },
  topic: { arg: true },
  version: {},
};

const CHUNK_EMPTY: CliChunk = { stdout: '', stderr: '' };

export function consoleProducer(target: CliTarget, args: string[]): CliResult | CliHandle {
  const parsed = parseWith(PRODUCER_OPTIONS, args, 'usage', PRODUCER_HELP);
  if ('exitCode' in parsed) return parsed;
  const o = new Opts(parsed);
  if (o.has('help') || args.length === 0) {
    return usage('This tool helps to read data from standard input and publish it to Kafka.', PRODUCER_HELP);
  }
  const missing = requireArg(o, 'topic', PRODUCER_HELP);
  if (missing) return missing;
  const bootstrap = o.value('bootstrap-server');
  if (bootstrap === undefined || bootstrap.trim() === '')
    return usage('Error while validating the bootstrap address\n', PRODUCER_HELP);
  if (bootstrap.split(',').some((h) => !/^.+:\d+$/.test(h))) {
    return usage('Please provide valid host:port like host1:9091,host2:9092\n', PRODUCER_HELP);
  }
  const reader = keyValues([...o.all('property'), ...o.all('reader-property')]);
  const producerProps = keyValues(o.all('producer-property'));
  const acks = o.value('request-required-acks') ?? producerProps['acks'] ?? '-1';
  const config: Record<string, ConfigValue> = {
    acks: acks === '-1' || acks === 'all' ? 'all' : Number(acks),
    // ConsoleProducer's own defaults (its --timeout is linger.ms, 1000 ms).
    'linger.ms': Number(o.value('timeout') ?? producerProps['linger.ms'] ?? 1000),
    'request.timeout.ms': Number(o.value('request-timeout-ms') ?? 1500),
    retries: Number(o.value('message-send-max-retries') ?? 3),
  };
  if (o.has('sync')) config['linger.ms'] = 0;
  const topic = o.value('topic')!;
  const boot = checkBootstrap(target.snapshot(), bootstrap);
  const producer = freshClientId(target, 'console-producer');
  if (boot.ok) {
    try {
      target.dispatch({ type: 'producer.create', producer, config });
    } catch (e) {
      if (!isEngineError(e)) throw e;
      return {
        stdout: '',
        stderr: stackTrace('org.apache.kafka.common.config.ConfigException', e.message),
        exitCode: 1,
      };
    }
  }
  return new ProducerHandle(producer, topic, reader, boot.ok, target.lastSeq());
}

class ProducerHandle implements CliHandle {
  readonly started: CliChunk = { stdout: '', stderr: '' };
  readonly prompt = '>';
  private lineNumber = 0;
  private finished = false;
  /** Key and value sizes of each send, by command id, for the error line of a failed one. */
  private readonly sent = new Map<number, Sizes>();

  constructor(
    private readonly producer: string,
    private readonly topic: string,
    private readonly reader: Record<string, string>,
    private readonly connected: boolean,
    private seenSeq: number,
  ) {}

  poll(target: CliTarget): CliChunk {
    let stderr = '';
    for (const e of target.events(this.seenSeq)) {
      this.seenSeq = e.seq;
      if (e.type === 'producer.failed' && e.producer === this.producer) {
        const sent = this.sent.get(e.commandId);
        this.sent.delete(e.commandId);
        stderr += errorLine(e.atMs, e.topic, sent ?? null) + stackTrace(exceptionClass(e.error), e.message);
      }
    }
    return { stdout: '', stderr };
  }

  input(target: CliTarget, line: string): CliChunk {
    if (this.finished) return CHUNK_EMPTY;
    this.lineNumber++;
    let key: string | null = null;
    let value: string | null = line;
    const nullMarker = this.reader['null.marker'];
    if (this.reader['parse.key'] === 'true') {
      const sep = unescape(this.reader['key.separator'] ?? '\t');
      const at = line.indexOf(sep);
      if (at < 0) {
        if (this.reader['ignore.error'] !== 'true') {
          this.finished = true;
          const msg = `No key separator found on line number ${this.lineNumber}: '${line}'`;
          return {
            stdout: '',
            stderr: stackTrace('org.apache.kafka.common.KafkaException', msg),
            exitCode: 1,
          };
        }
      } else {
        key = line.slice(0, at);
        value = line.slice(at + sep.length);
      }
    }
    if (nullMarker !== undefined && key === nullMarker) key = null;
    if (nullMarker !== undefined && value === nullMarker) value = null;
    const sizes = {
      key: key === null ? null : utf8Length(key),
      value: value === null ? null : utf8Length(value),
    };
    if (!this.connected) {
      // No listener answers: the producer blocks for max.block.ms, then fails the send.
      return this.fail(target, `Topic ${this.topic} not present in metadata after 60000 ms.`, sizes);
    }
    try {
      const id = target.dispatch({
        type: 'producer.send',
        producer: this.producer,
        topic: this.topic,
        key,
        value: value ?? '',
        ...(value === null ? { tombstone: true } : {}),
      });
      this.sent.set(id, sizes);
    } catch (e) {
      if (!isEngineError(e)) throw e;
      if (e.code === 'UNKNOWN_TOPIC_OR_PARTITION') {
        return this.fail(target, `Topic ${this.topic} not present in metadata after 60000 ms.`, sizes);
      }
      return { stdout: '', stderr: stackTrace(exceptionClass(e.code), e.message) };
    }
    return CHUNK_EMPTY;
  }

  private fail(target: CliTarget, message: string, sizes: Sizes): CliChunk {
    return {
      stdout: '',
      stderr:
        errorLine(target.now(), this.topic, sizes) +
        stackTrace('org.apache.kafka.common.errors.TimeoutException', message),
    };
  }

  interrupt(): CliChunk {
    this.finished = true;
    return { stdout: '', stderr: '', exitCode: 130 };
  }

  endOfInput(): CliChunk {
    this.finished = true;
    return { stdout: '', stderr: '', exitCode: 0 };
  }
}

interface Sizes {
  key: number | null;
  value: number | null;
}

/**
 * ErrorLoggingCallback's log4j line as ConsoleProducer creates it (logAsString false): key and
 * value as `N bytes`, or `null`.
 */
function errorLine(atMs: number, topic: string, sizes: Sizes | null): string {
  const show = (n: number | null | undefined) => (n === null || n === undefined ? 'null' : `${n} bytes`);
  return (
    `[${log4jTime(atMs)}] ERROR Error when sending message to topic ${topic} with key: ${show(sizes?.key)}, ` +
    `value: ${show(sizes?.value)} with error: (org.apache.kafka.clients.producer.internals.ErrorLoggingCallback)\n`
  );
}

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

/** Java properties escapes in a separator given on the command line (`\t`). */
function unescape(s: string): string {
  return s.replace(/\\t/g, '\t').replace(/\\n/g, '\n');
}
