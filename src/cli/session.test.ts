/**
 * Golden tests: a whole terminal session against a simulated cluster, each output compared byte
 * for byte with the format of Kafka 4.0's tools (docs/cli.md lists the source of each).
 */
import { beforeAll, describe, expect, test } from 'vitest';
import type { Simulation } from '../engine';
import { targetOf } from './execute';
import { cluster, produce, pump, run, start } from './testing/harness';

const B = '--bootstrap-server broker-1:9092';
let sim: Simulation;

beforeAll(() => {
  sim = cluster();
  run(
    sim,
    `kafka-topics.sh ${B} --create --topic orders --partitions 3 --replication-factor 3 --config retention.ms=60000`,
  );
  sim.runFor(500);
  produce(
    sim,
    'orders',
    ['a:1', 'b:2', 'c:3', 'a:4'],
    '--property parse.key=true --property key.separator=:',
  );
});

describe('a session: create, produce, consume in a group, describe, reset, consume again', () => {
  test('kafka-topics --describe prints the topic line and tab-separated partition lines with empty ELR lists', () => {
    const topicId = sim.snapshot().topics.find((t) => t.name === 'orders')!.topicId;
    const parts = sim.snapshot().topics.find((t) => t.name === 'orders')!.partitions;
    const expected =
      `Topic: orders\tTopicId: ${topicId}\tPartitionCount: 3\tReplicationFactor: 3\tConfigs: retention.ms=60000\n` +
      parts
        .map(
          (p) =>
            `\tTopic: orders\tPartition: ${p.partition}\tLeader: ${p.leader}\tReplicas: ${p.replicas.join(',')}\tIsr: ${p.isr.join(',')}\tElr: \tLastKnownElr: \n`,
        )
        .join('');
    expect(run(sim, `kafka-topics ${B} --describe --topic orders`)).toEqual({
      stdout: expected,
      stderr: '',
      exitCode: 0,
    });
  });

  test('the console consumer prints key, partition and offset as DefaultMessageFormatter does, then its count on Ctrl-C', () => {
    const h = start(
      sim,
      `kafka-console-consumer.sh ${B} --topic orders --from-beginning --group g1 --property print.key=true --formatter-property print.partition=true --property print.offset=true`,
    );
    const got = pump(sim, h, 8000);
    const lines = got.stdout.split('\n').filter(Boolean).sort();
    expect(lines).toEqual([
      'Partition:1\tOffset:0\ta\t1',
      'Partition:1\tOffset:1\tc\t3',
      'Partition:1\tOffset:2\ta\t4',
      'Partition:2\tOffset:0\tb\t2',
    ]);
    // While it runs, the group is Stable and its member owns every partition, lag 0.
    const member = sim.snapshot().groups.find((g) => g.groupId === 'g1')!.members[0]!.memberId;
    const pad = (s: string) => s.padEnd(Math.max(15, member.length));
    expect(run(sim, `kafka-consumer-groups.sh ${B} --describe --group g1`).stdout).toBe(
      `\nGROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             ${pad('CONSUMER-ID')} HOST            CLIENT-ID` +
        `\ng1              orders          0          0               0               0               ${pad(member)} /127.0.0.1      console-consumer` +
        `\ng1              orders          1          3               3               0               ${pad(member)} /127.0.0.1      console-consumer` +
        `\ng1              orders          2          1               1               0               ${pad(member)} /127.0.0.1      console-consumer` +
        '\n',
    );
    const coord = sim.snapshot().groups.find((g) => g.groupId === 'g1')!.coordinator;
    // The --state quirk: the GROUP column is as wide as the coordinator column (max 25).
    expect(run(sim, `kafka-consumer-groups.sh ${B} --describe --group g1 --state`).stdout).toBe(
      `\nGROUP                     COORDINATOR (ID)          ASSIGNMENT-STRATEGY  STATE           #MEMBERS` +
        `\ng1                        ${`broker-${coord}:9092  (${coord})`.padEnd(25)} range                Stable          1` +
        '\n',
    );
    expect(run(sim, `kafka-consumer-groups.sh ${B} --describe --group g1 --members --verbose`).stdout).toBe(
      `\nGROUP           ${pad('CONSUMER-ID')} HOST            CLIENT-ID        #PARTITIONS     ASSIGNMENT\n` +
        `g1              ${pad(member)} /127.0.0.1      console-consumer 3               (0,1,2)\n`,
    );
    expect(h.interrupt(targetOf(sim))).toEqual({
      stdout: '',
      stderr: 'Processed a total of 4 messages\n',
      exitCode: 130,
    });
    sim.runFor(3000);
  });

  test('an empty group: the stderr preamble, and `-` for the consumer columns', () => {
    expect(run(sim, `kafka-consumer-groups.sh ${B} --describe --group g1`)).toEqual({
      stdout:
        '\nGROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID' +
        '\ng1              orders          0          0               0               0               -               -               -' +
        '\ng1              orders          1          3               3               0               -               -               -' +
        '\ng1              orders          2          1               1               0               -               -               -\n',
      stderr: "\nConsumer group 'g1' has no active members.\n",
      exitCode: 0,
    });
  });

  test('--reset-offsets without --execute is a dry run with the warning (its missing space included)', () => {
    const r = run(
      sim,
      `kafka-consumer-groups.sh ${B} --reset-offsets --group g1 --topic orders --to-earliest`,
    );
    expect(r.stderr).toMatch(
      /^WARN: No action will be performed as the --execute option is missing\.In a future major release/,
    );
    expect(r.stdout).toBe(
      '\nGROUP                          TOPIC                          PARTITION  NEW-OFFSET     ' +
        '\ng1                             orders                         0          0              ' +
        '\ng1                             orders                         1          0              ' +
        '\ng1                             orders                         2          0              \n',
    );
    expect(
      sim
        .snapshot()
        .groups.find((g) => g.groupId === 'g1')!
        .offsets.find((o) => o.partition === 1)!.offset,
    ).toBe(3);
  });

  test('--execute commits through the coordinator, then describe shows the lag; consuming again replays', () => {
    const h = start(
      sim,
      `kafka-consumer-groups.sh ${B} --reset-offsets --group g1 --topic orders --to-earliest --execute`,
    );
    const r = pump(sim, h, 3000);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(
      '\ng1                             orders                         1          0              ',
    );
    const d = run(sim, `kafka-consumer-groups.sh ${B} --describe --group g1`).stdout;
    expect(d).toContain(
      '\ng1              orders          1          0               3               3               -',
    );
    expect(sim.snapshot().consumers.find((c) => c.id === 'adminclient-1')!.state).toBe('closed');
    const again = pump(
      sim,
      start(sim, `kafka-console-consumer ${B} --topic orders --group g1 --max-messages 4`),
      8000,
    );
    expect(again.stdout.split('\n').filter(Boolean).sort()).toEqual(['1', '2', '3', '4']);
    expect(again.stderr).toBe('Processed a total of 4 messages\n');
    expect(again.exitCode).toBe(0);
  });

  test('a group that is not empty cannot be reset: the error, then the header Kafka still prints', () => {
    const h = start(sim, `kafka-console-consumer ${B} --topic orders --group g2 --from-beginning`);
    pump(sim, h, 6000);
    const r = run(
      sim,
      `kafka-consumer-groups.sh ${B} --reset-offsets --group g2 --topic orders --to-latest --execute`,
    );
    expect(r.stdout).toBe(
      "\nError: Assignments can only be reset if the group 'g2' is inactive, but the current state is Stable.\n" +
        '\nGROUP                          TOPIC                          PARTITION  NEW-OFFSET     \n',
    );
    h.interrupt(targetOf(sim));
    sim.runFor(2000);
  });

  test('kafka-get-offsets answers ListOffsets per partition, in topic-partition string order', () => {
    expect(run(sim, `kafka-get-offsets.sh ${B} --topic orders --time -1`).stdout).toBe(
      'orders:0:0\norders:1:3\norders:2:1\n',
    );
    expect(run(sim, `kafka-get-offsets ${B} --topic orders --time earliest`).stdout).toBe(
      'orders:0:0\norders:1:0\norders:2:0\n',
    );
    expect(run(sim, `kafka-get-offsets ${B} --topic orders --time soon`)).toEqual({
      stdout: '',
      stderr:
        'Error occurred: Malformed time argument soon. Please use -1 or latest / -2 or earliest / -3 or max-timestamp / -4 or earliest-local / -5 or latest-tiered, or a specified long format timestamp\n',
      exitCode: 1,
    });
  });

  test('kafka-consumer-groups --list, and a group that does not exist', () => {
    expect(run(sim, `kafka-consumer-groups ${B} --list`).stdout.split('\n').filter(Boolean).sort()).toContain(
      'g1',
    );
    expect(run(sim, `kafka-consumer-groups ${B} --describe --group nope`).stdout).toBe(
      "\nError: Consumer group 'nope' does not exist.\n",
    );
  });
});
