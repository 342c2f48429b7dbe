/**
 * Golden tests for the option tables Kafka prints after a usage error. The golden files were
 * printed by jopt-simple 5.0.4 itself (OptionParser.printHelpOn, the version Kafka 4.0 ships) for
 * the option specs read from Kafka 4.0's source, so they check the formatter byte for byte.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Simulation } from '../../engine';
import { cluster, run } from '../testing/harness';
import { CONSUMER_HELP } from './console-consumer';
import { PRODUCER_HELP } from './console-producer';
import { GROUPS_HELP } from './consumer-groups';
import { TOPICS_HELP } from './kafka-topics';
import { GET_OFFSETS_HELP } from './get-offsets';
import { ELECTION_HELP } from './leader-election';
import { formatHelp } from './format';
import { lineBreakWords } from './words';

const golden = (name: string) => readFileSync(new URL(`./golden/${name}.txt`, import.meta.url), 'utf8');
const B = '--bootstrap-server broker-1:9092';

describe("joptsimple's layout", () => {
  test("each tool's table matches what jopt-simple 5.0.4 prints", () => {
    expect(formatHelp(PRODUCER_HELP)).toBe(golden('console-producer'));
    expect(formatHelp(CONSUMER_HELP)).toBe(golden('console-consumer'));
    expect(formatHelp(GROUPS_HELP)).toBe(golden('consumer-groups'));
    expect(formatHelp(TOPICS_HELP)).toBe(golden('kafka-topics'));
    expect(formatHelp(GET_OFFSETS_HELP)).toBe(golden('get-offsets'));
    expect(formatHelp(ELECTION_HELP)).toBe(golden('leader-election'));
  });
  test('cells wrap at min(39, widest) columns with a 2-space indent and are padded (lines end in spaces)', () => {
    const lines = formatHelp([
      {
        name: 'bootstrap-server',
        description: 'REQUIRED: The Kafka server to connect to.',
        arg: 'required',
        argDescription: 'server to connect to',
      },
      { name: 'partitions', description: 'n', arg: 'required', type: 'Integer', defaults: ['1'] },
      { name: 'codec', description: 'c', arg: 'optional' },
    ]).split('\n');
    // Checked against jopt-simple 5.0.4: the widths are those of the wrapped cells.
    expect(lines).toEqual([
      'Option                                 Description                          ',
      '------                                 -----------                          ',
      '--bootstrap-server <String: server to  REQUIRED: The Kafka server to connect',
      '  connect to>                            to.                                ',
      '--codec [String]                       c                                    ',
      '--partitions <Integer>                 n (default: 1)                       ',
      '',
    ]);
  });
  test("words break as the JDK's line BreakIterator breaks them", () => {
    // Each expectation was printed by JDK 17's BreakIterator.getLineInstance().
    expect(lineBreakWords('the --export option (default: kafka.tools.DefaultMessageFormatter)')).toEqual([
      'the ',
      '--',
      'export ',
      'option ',
      '(default: ',
      'kafka.',
      'tools.',
      'DefaultMessageFormatter)',
    ]);
    expect(
      lineBreakWords("HOST1:PORT1,x 1,000 1.5 -1 a-1 partition-to `retries` 'value.deserializer.' a.\"b"),
    ).toEqual([
      'HOST1:',
      'PORT1,',
      'x ',
      '1,000 ',
      '1.5 ',
      '-1 ',
      'a-',
      '1 ',
      'partition-',
      'to ',
      '`retries` ',
      "'value.",
      "deserializer.' ",
      'a."',
      'b',
    ]);
    expect(lineBreakWords("'([^:,]*)(?::(?:([0-9]*)-([0-9]*)))?'. topic5:-3> a(b x-(y")).toEqual([
      "'([^:,]",
      '*)',
      '(?::',
      '(?:',
      '([0-',
      '9]',
      '*)',
      '-([0-',
      '9]',
      "*)))?'. ",
      'topic5:',
      '-3',
      '> ',
      'a',
      '(b ',
      'x-',
      '(y',
    ]);
    expect(lineBreakWords('<String: b , ...> x;y 50%')).toEqual([
      '<String: ',
      'b ',
      ', ',
      '...',
      '> ',
      'x;',
      'y ',
      '50%',
    ]);
  });
});

describe('usage errors print the message, then the table', () => {
  let sim: Simulation;
  beforeAll(() => {
    sim = cluster();
  });
  test('kafka-console-producer', () => {
    const table = golden('console-producer');
    expect(run(sim, `kafka-console-producer ${B} --topic a --bogus`)).toEqual({
      stdout: '',
      stderr: `bogus is not a recognized option\n${table}`,
      exitCode: 1,
    });
    expect(run(sim, `kafka-console-producer ${B}`).stderr).toBe(
      `Missing required argument "[topic]"\n${table}`,
    );
    expect(run(sim, 'kafka-console-producer --help').stderr).toBe(
      `This tool helps to read data from standard input and publish it to Kafka.\n${table}`,
    );
  });
  test('kafka-console-consumer', () => {
    const table = golden('console-consumer');
    expect(run(sim, `kafka-console-consumer ${B} --topic a --bogus`)).toEqual({
      stdout: '',
      stderr: `bogus is not a recognized option\n${table}`,
      exitCode: 1,
    });
    // Kafka's parsers do not take abbreviations (new OptionParser(false)).
    expect(run(sim, 'kafka-console-consumer --bootstrap broker-1:9092 --topic a').stderr).toBe(
      `bootstrap is not a recognized option\n${table}`,
    );
    expect(run(sim, `kafka-console-consumer ${B} --topic a --partition 0 --group g`).stderr).toBe(
      `Options group and partition cannot be specified together.\n${table}`,
    );
    expect(run(sim, `kafka-console-consumer --topic a`).stderr).toBe(
      `Missing required argument "[bootstrap-server]"\n${table}`,
    );
  });
  test('kafka-consumer-groups', () => {
    const table = golden('consumer-groups');
    expect(run(sim, `kafka-consumer-groups ${B} --list --bogus`)).toEqual({
      stdout: '',
      stderr: `bogus is not a recognized option\n${table}`,
      exitCode: 1,
    });
    expect(run(sim, 'kafka-consumer-groups --list').stderr).toBe(
      `Missing required argument "[bootstrap-server]"\n${table}`,
    );
  });
  test('kafka-topics: the table after a check fails, none after a parse error (it escapes main)', () => {
    const table = golden('kafka-topics');
    expect(run(sim, `kafka-topics ${B}`).stderr).toBe(
      `Command must include exactly one action: --list, --describe, --create, --alter or --delete\n${table}`,
    );
    expect(run(sim, `kafka-topics ${B} --list --bogus`).stderr).toBe(
      'bogus is not a recognized option\njoptsimple.UnrecognizedOptionException: bogus is not a recognized option\n',
    );
  });
  test('kafka-get-offsets: the table after no arguments or a missing argument; a parse error is terse', () => {
    const table = golden('get-offsets');
    expect(run(sim, 'kafka-get-offsets').stderr).toBe(
      `An interactive shell for getting topic-partition offsets.\n${table}`,
    );
    expect(run(sim, 'kafka-get-offsets --topic a').stderr).toBe(
      `Missing required argument "[bootstrap-server]"\n${table}`,
    );
    expect(run(sim, 'kafka-get-offsets --bootstrap-server nohost').stderr).toBe(
      `Please provide valid host:port like host1:9091,host2:9092\n\n${table}`,
    );
    expect(run(sim, `kafka-get-offsets ${B} --bogus`)).toEqual({
      stdout: '',
      stderr: 'Error occurred: bogus is not a recognized option\n',
      exitCode: 1,
    });
    expect(run(sim, `kafka-get-offsets ${B} --topic-partitions a:0 --topic a`).stderr).toBe(
      'Error occurred: --topic-partitions cannot be used with --topic or --partitions\n',
    );
  });
  test('kafka-leader-election: the table for help only; validate() refuses with AdminCommandFailedException', () => {
    expect(run(sim, 'kafka-leader-election').stderr).toBe(
      `This tool attempts to elect a new leader for a set of topic partitions. The type of elections supported are preferred replicas and unclean replicas.\n${golden('leader-election')}`,
    );
    const msg =
      'One and only one of the following options is required: topic, all-topic-partitions, path-to-json-file';
    expect(run(sim, `kafka-leader-election ${B} --election-type preferred`)).toEqual({
      stdout: '',
      stderr: `${msg}\norg.apache.kafka.server.common.AdminCommandFailedException: ${msg}\n`,
      exitCode: 1,
    });
    expect(run(sim, `kafka-leader-election ${B} --topic t`).stderr).toMatch(
      /^Missing required option\(s\): election-type\n/,
    );
    expect(run(sim, `kafka-leader-election ${B} --election-type best --all-topic-partitions`).stderr).toBe(
      "Cannot parse argument 'best' of option election-type\njoptsimple.OptionArgumentConversionException: Cannot parse argument 'best' of option election-type\n",
    );
    expect(run(sim, `kafka-leader-election ${B} --bogus`).stderr).toBe(
      'bogus is not a recognized option\njoptsimple.UnrecognizedOptionException: bogus is not a recognized option\n',
    );
  });
});
