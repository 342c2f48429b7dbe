/**
 * kafka-metadata-quorum describe --status | --replication (MetadataQuorumCommand.java), from the
 * simulated KRaft quorum. Controllers are node ids 3000+N on `controller-N:9093`; brokers are the
 * quorum's observers. The static quorum has no directory ids (`null`, and the zero Uuid
 * `AAAAAAAAAAAAAAAAAAAAAA` in the table). The engine does not record fetch times per voter, so the
 * leader's timestamps are now and the others' are -1 (Kafka's "unknown").
 */
import type { ClusterSnapshot } from '../../engine';
import { checkBootstrap, controllerNodeId, CONTROLLER_PORT, stackTrace } from '../common';
import { done, type CliResult, type CliTarget } from '../types';
import { parseArgparse } from './argparse';
import { QUORUM_PARSER } from './argparse-specs';

const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';
/** The simulated cluster's id (KAFKA_CLUSTER_ID in Kafka's quickstart is any base64 Uuid). */
export const CLUSTER_ID = 'U3RyZWFtTGFiQ2x1c3Rlcg';

/** MetadataQuorumCommand's TerseException: its message alone, exit 1. */
const terse = (msg: string): CliResult => done('', `${msg}\n`, 1);

export function kafkaMetadataQuorum(target: CliTarget, args: string[]): CliResult {
  const parsed = parseArgparse('kafka-metadata-quorum', QUORUM_PARSER, args);
  if ('exitCode' in parsed) return parsed;
  const v = parsed.values;
  const config = v.get('command-config');
  // getProperties runs before the command: StreamLab has no files, so none exists.
  if (typeof config === 'string') return terse(`Properties file ${config} does not exists!`);
  if (parsed.command !== 'describe')
    return terse(`StreamLab's kafka-metadata-quorum simulates describe only, not ${parsed.command}.`);
  const bootstrap = String(v.get('bootstrap-server') ?? v.get('bootstrap-controller'));
  const status = v.has('status');
  const replication = v.has('replication');
  if (status && replication)
    return terse('Only one of --status or --replication should be specified with describe sub-command');
  if (status && v.has('human-readable'))
    return terse('The option --human-readable is only supported along with --replication');
  if (!status && !replication)
    return terse('One of --status or --replication must be specified with describe sub-command');
  const snapshot = target.snapshot();
  const boot = checkBootstrap(snapshot, bootstrap);
  const leaderNode = snapshot.quorum.leader;
  if (!boot.ok || leaderNode === null) {
    const msg = 'Timed out waiting for a node assignment. Call: describeMetadataQuorum';
    return done(
      '',
      `${msg}\n${stackTrace('java.util.concurrent.ExecutionException', `org.apache.kafka.common.errors.TimeoutException: ${msg}`)}`,
      1,
    );
  }
  return done(
    status
      ? describeStatus(snapshot, leaderNode)
      : describeReplication(snapshot, leaderNode, v.has('human-readable')),
  );
}

interface ReplicaRow {
  id: number;
  logEndOffset: number;
  fetchMs: number | null;
  caughtUpMs: number | null;
  status: 'Leader' | 'Follower' | 'Observer';
}

function rowsOf(s: ClusterSnapshot, leaderNode: string): ReplicaRow[] {
  const leader = s.quorum.voters.find((v) => v.id === leaderNode)!;
  const voters = [leader, ...s.quorum.voters.filter((v) => v.id !== leaderNode)];
  const rows: ReplicaRow[] = voters.map((v) => ({
    id: controllerNodeId(v.id),
    logEndOffset: v.logEndOffset,
    fetchMs: v.id === leaderNode ? s.nowMs : null,
    caughtUpMs: v.id === leaderNode ? s.nowMs : null,
    status: v.id === leaderNode ? 'Leader' : 'Follower',
  }));
  for (const b of s.brokers) {
    if (b.metadataOffset === null) continue;
    rows.push({
      id: b.id,
      logEndOffset: b.metadataOffset,
      fetchMs: null,
      caughtUpMs: null,
      status: 'Observer',
    });
  }
  return rows;
}

const voterJson = (id: number, node: string) =>
  `{"id": ${id}, "directoryId": null, "endpoints": ["CONTROLLER://${node}:${CONTROLLER_PORT}"]}`;
const observerJson = (id: number) => `{"id": ${id}, "directoryId": null}`;

function describeStatus(s: ClusterSnapshot, leaderNode: string): string {
  const rows = rowsOf(s, leaderNode);
  const leader = rows[0]!;
  const followers = rows.filter((r) => r.status === 'Follower');
  const maxLag = followers.reduce((m, r) => Math.max(m, leader.logEndOffset - r.logEndOffset), 0);
  const laggiest = followers.find((r) => leader.logEndOffset - r.logEndOffset === maxLag);
  const lagTime = !laggiest || maxLag === 0 ? 0 : -1;
  const voters = [leaderNode, ...s.quorum.voters.map((v) => v.id).filter((v) => v !== leaderNode)]
    .sort((a, b) => controllerNodeId(a) - controllerNodeId(b))
    .map((v) => voterJson(controllerNodeId(v), v));
  const observers = rows.filter((r) => r.status === 'Observer').map((r) => observerJson(r.id));
  const leaderSnap = s.quorum.voters.find((v) => v.id === leaderNode)!;
  const line = (k: string, v: string | number) => `${(k + ':').padEnd(24)}${v}\n`;
  return (
    line('ClusterId', CLUSTER_ID) +
    line('LeaderId', controllerNodeId(leaderNode)) +
    line('LeaderEpoch', s.quorum.epoch) +
    line('HighWatermark', leaderSnap.highWatermark) +
    line('MaxFollowerLag', maxLag) +
    line('MaxFollowerLagTimeMs', lagTime) +
    line('CurrentVoters', `[${voters.join(', ')}]`) +
    line('CurrentObservers', `[${observers.join(', ')}]`)
  );
}

/** ToolsUtils.prettyPrintTable: every cell padded to its column and followed by a tab, the last too. */
export function prettyTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => `${c.padEnd(widths[i]!)}\t`).join('') + '\n';
  return line(headers) + rows.map(line).join('');
}

function describeReplication(s: ClusterSnapshot, leaderNode: string, human: boolean): string {
  const rows = rowsOf(s, leaderNode);
  const leaderLeo = rows[0]!.logEndOffset;
  const time = (ms: number | null) => (ms === null ? '-1' : human ? `${s.nowMs - ms} ms ago` : String(ms));
  return prettyTable(
    ['NodeId', 'DirectoryId', 'LogEndOffset', 'Lag', 'LastFetchTimestamp', 'LastCaughtUpTimestamp', 'Status'],
    rows.map((r) => [
      String(r.id),
      ZERO_UUID,
      String(r.logEndOffset),
      String(leaderLeo - r.logEndOffset),
      time(r.fetchMs),
      time(r.caughtUpMs),
      r.status,
    ]),
  );
}
