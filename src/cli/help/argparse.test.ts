/**
 * kafka-transactions and kafka-metadata-quorum parse with argparse4j, not joptsimple. Each
 * expected stderr in golden/argparse-errors.json was printed by argparse4j 0.7.0 itself (the
 * version Kafka 4.0 ships, built from its source) for parsers declared as TransactionsCommand and
 * MetadataQuorumCommand declare theirs, at an 80-column terminal (format width 75).
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Simulation } from '../../engine';
import { cluster, run } from '../testing/harness';
import { wrap } from '../tools/argparse';

const cases = JSON.parse(readFileSync(new URL('./golden/argparse-errors.json', import.meta.url), 'utf8')) as {
  command: string;
  stderr: string;
}[];

describe('argparse4j usage errors', () => {
  let sim: Simulation;
  beforeAll(() => {
    sim = cluster();
  });
  test.each(cases)('$command', ({ command, stderr }) => {
    expect(run(sim, command)).toEqual({ stdout: '', stderr, exitCode: 1 });
  });
  test('TextHelper.wrap justifies every full line by widening its blocks of spaces', () => {
    expect(wrap('aa bb cc dd\n', 8)).toBe('aa    bb\ncc dd\n');
  });
});
