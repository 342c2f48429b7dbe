import { expect, test } from 'vitest';
import { replaySimulation } from '../engine';
import { CliHost } from './cli-host';
import { Timeline } from './timeline';

const B = ['--bootstrap-server', 'broker-1:9092'];

test('CLI commands are recorded on the timeline: replaying the command log rebuilds what they did', () => {
  const timeline = new Timeline({ seed: 5, brokers: 3 });
  timeline.advance(8000);
  const cli = new CliHost();
  const created = cli.act(timeline, {
    kind: 'run',
    words: [
      'kafka-topics.sh',
      ...B,
      '--create',
      '--topic',
      'orders',
      '--partitions',
      '2',
      '--replication-factor',
      '3',
    ],
  });
  expect(created.reply).toEqual({
    stdout: 'Created topic orders.\n',
    stderr: '',
    exitCode: 0,
    running: false,
    prompt: null,
  });
  expect(created.changed).toBe(true);
  timeline.advance(500);
  const producer = cli.act(timeline, {
    kind: 'run',
    words: ['kafka-console-producer', ...B, '--topic', 'orders'],
  });
  expect(producer.reply).toMatchObject({ running: true, prompt: '>' });
  cli.act(timeline, { kind: 'input', line: 'hello' });
  timeline.advance(2000);
  expect(cli.act(timeline, { kind: 'eof' }).reply).toMatchObject({ exitCode: 0, running: false });
  const listed = cli.act(timeline, {
    kind: 'run',
    words: ['kafka-topics', ...B, '--list', '--exclude-internal'],
  });
  expect(listed).toEqual({
    reply: { stdout: 'orders\n', stderr: '', exitCode: 0, running: false, prompt: null },
    changed: false,
  });

  const replayed = replaySimulation({ seed: 5, brokers: 3 }, timeline.sim.commandLog());
  replayed.runFor(timeline.nowMs() - replayed.now());
  const hw = (s: typeof replayed) =>
    s
      .snapshot()
      .topics.find((t) => t.name === 'orders')!
      .partitions.map((p) => p.replicaStates[0]!.highWatermark);
  expect(hw(replayed)).toEqual(hw(timeline.sim));
  expect(hw(replayed).reduce((a, b) => a + b, 0)).toBe(1);
});

test('a second command while one runs is refused; Ctrl-C ends the running one', () => {
  const timeline = new Timeline({ seed: 5, brokers: 3 });
  timeline.advance(8000);
  const cli = new CliHost();
  cli.act(timeline, { kind: 'run', words: ['kafka-topics', ...B, '--create', '--topic', 'x'] });
  timeline.advance(500);
  cli.act(timeline, { kind: 'run', words: ['kafka-console-consumer', ...B, '--topic', 'x'] });
  expect(cli.act(timeline, { kind: 'run', words: ['kafka-topics', ...B, '--list'] }).reply.stderr).toBe(
    'A command is still running (Ctrl-C stops it).\n',
  );
  expect(cli.act(timeline, { kind: 'interrupt' }).reply).toEqual({
    stdout: '',
    stderr: 'Processed a total of 0 messages\n',
    exitCode: 130,
    running: false,
    prompt: null,
  });
});
