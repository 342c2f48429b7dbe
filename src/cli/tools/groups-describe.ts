/**
 * kafka-consumer-groups --describe (ConsumerGroupCommand.java): offsets (the default), --members,
 * --state. Formats, padding, leading newlines and the stderr preambles as Kafka prints them.
 */
import { admin, type ClusterSnapshot, type GroupSnapshot } from '../../engine';
import { brokerHost, BROKER_PORT, columns, padRight } from '../common';
import type { CliTarget } from '../types';

/** Every simulated client connects from the terminal's host (docs/cli.md). */
export const CLIENT_HOST = '/127.0.0.1';
const MISSING = '-';

export interface Output {
  stdout: string;
  stderr: string;
}

/** One row of the offsets table; `member` links the row to the diagram (docs/cli.md). */
export interface OffsetRow {
  group: string;
  topic: string;
  partition: number;
  current: number | null;
  logEnd: number | null;
  lag: number | null;
  consumerId: string | null;
  host: string | null;
  clientId: string | null;
}

export function logEndOffset(target: CliTarget, topic: string, partition: number): number | null {
  try {
    return admin.listOffsets(target as never, { topic, partition, spec: 'latest' }).offset;
  } catch {
    return null;
  }
}

/**
 * Kafka's shouldPrintMemberState: the group line on stdout for a missing group, the stderr
 * preamble for an empty or rebalancing one. Returns whether the table follows.
 */
function preamble(out: Output, group: GroupSnapshot | undefined, groupId: string, rows: number): boolean {
  if (!group || group.state === 'Dead') {
    out.stdout += `\nError: Consumer group '${groupId}' does not exist.\n`;
    return false;
  }
  if (group.state === 'Empty') out.stderr += `\nConsumer group '${groupId}' has no active members.\n`;
  if (group.state === 'PreparingRebalance' || group.state === 'CompletingRebalance') {
    out.stderr += `\nWarning: Consumer group '${groupId}' is rebalancing.\n`;
  }
  return rows > 0;
}

/**
 * Rows in Kafka's order: members by number of assigned partitions (descending; ties keep the
 * coordinator's member order), each member's partitions by number, then committed partitions no
 * member owns, sorted by topic and partition (Kafka's order there comes from a HashMap; StreamLab
 * pins this one).
 */
export function offsetRows(target: CliTarget, group: GroupSnapshot): OffsetRow[] {
  const committed = new Map(group.offsets.map((o) => [`${o.topic}\u0000${o.partition}`, o.offset]));
  const rows: OffsetRow[] = [];
  const assigned = new Set<string>();
  const members = group.members
    .filter((m) => m.assignment.length > 0)
    .map((m, i) => ({ m, i }))
    .sort((a, b) => b.m.assignment.length - a.m.assignment.length || a.i - b.i);
  const row = (topic: string, partition: number, who: GroupSnapshot['members'][number] | null): OffsetRow => {
    const current = committed.get(`${topic}\u0000${partition}`) ?? null;
    const logEnd = logEndOffset(target, topic, partition);
    return {
      group: group.groupId,
      topic,
      partition,
      current,
      logEnd,
      lag: current !== null && logEnd !== null ? logEnd - current : null,
      consumerId: who ? who.memberId : null,
      host: who ? CLIENT_HOST : null,
      clientId: who ? who.clientId : null,
    };
  };
  for (const { m } of members) {
    // Kafka sorts a member's partitions by partition number only.
    for (const tp of [...m.assignment].sort((a, b) => a.partition - b.partition)) {
      assigned.add(`${tp.topic}\u0000${tp.partition}`);
      rows.push(row(tp.topic, tp.partition, m));
    }
  }
  const unassigned = group.offsets
    .filter((o) => !assigned.has(`${o.topic}\u0000${o.partition}`))
    .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
  for (const o of unassigned) rows.push(row(o.topic, o.partition, null));
  return rows;
}

const show = (v: number | string | null) => (v === null ? MISSING : String(v));

export function describeOffsets(
  target: CliTarget,
  snapshot: ClusterSnapshot,
  groupId: string,
  out: Output,
): void {
  const group = snapshot.groups.find((g) => g.groupId === groupId);
  const rows = group ? offsetRows(target, group) : [];
  if (!preamble(out, group, groupId, group && group.state !== 'Dead' ? rows.length : 0)) return;
  const w = (vals: string[]) => Math.max(15, ...vals.map((v) => v.length));
  const widths = [
    w(rows.map((r) => r.group)),
    w(rows.map((r) => r.topic)),
    10,
    15,
    15,
    15,
    w(rows.map((r) => show(r.consumerId))),
    w(rows.map((r) => show(r.host))),
    null,
  ];
  const line = (cells: string[]) => `\n${columns(cells, widths)}`;
  out.stdout += line([
    'GROUP',
    'TOPIC',
    'PARTITION',
    'CURRENT-OFFSET',
    'LOG-END-OFFSET',
    'LAG',
    'CONSUMER-ID',
    'HOST',
    'CLIENT-ID',
  ]);
  for (const r of rows) {
    out.stdout += line([
      r.group,
      r.topic,
      String(r.partition),
      show(r.current),
      show(r.logEnd),
      show(r.lag),
      show(r.consumerId),
      show(r.host),
      show(r.clientId),
    ]);
  }
  out.stdout += '\n';
}

export function describeMembers(
  snapshot: ClusterSnapshot,
  groupId: string,
  verbose: boolean,
  out: Output,
): void {
  const group = snapshot.groups.find((g) => g.groupId === groupId);
  const members = group?.members ?? [];
  // Kafka prints the header whatever the preamble said (printMembers' quirk).
  const rowsFollow = preamble(out, group, groupId, members.length);
  out.stdout += membersHeader(groupId, members, verbose);
  if (!rowsFollow) return;
  const withInstance = members.some((m) => m.groupInstanceId);
  const widths = memberWidths(groupId, members);
  for (const m of members) {
    const cells = withInstance
      ? [groupId, m.memberId, m.groupInstanceId ?? '', CLIENT_HOST, m.clientId, String(m.assignment.length)]
      : [groupId, m.memberId, CLIENT_HOST, m.clientId, String(m.assignment.length)];
    out.stdout += columns(cells, withInstance ? widths.full : widths.short) + ' ';
    if (verbose) out.stdout += assignmentText(m.assignment);
    out.stdout += '\n';
  }
}

function memberWidths(groupId: string, members: GroupSnapshot['members']) {
  const groupLen = Math.max(15, members.length > 0 ? groupId.length : 0);
  const w = (vals: string[], min = 15) => Math.max(min, ...vals.map((v) => v.length));
  const consumer = w(members.map((m) => m.memberId));
  const instance = w(
    members.map((m) => m.groupInstanceId ?? ''),
    17,
  );
  const host = w(members.map(() => CLIENT_HOST));
  const client = w(members.map((m) => m.clientId));
  return {
    full: [groupLen, consumer, instance, host, client, 15],
    short: [groupLen, consumer, host, client, 15],
  };
}

function membersHeader(groupId: string, members: GroupSnapshot['members'], verbose: boolean): string {
  const withInstance = members.some((m) => m.groupInstanceId);
  const widths = memberWidths(groupId, members);
  const cells = withInstance
    ? ['GROUP', 'CONSUMER-ID', 'GROUP-INSTANCE-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS']
    : ['GROUP', 'CONSUMER-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS'];
  return `\n${columns(cells, withInstance ? widths.full : widths.short)} ${verbose ? 'ASSIGNMENT' : ''}\n`;
}

/** `(0,1), (2)`: each topic's partitions, sorted as strings (as Kafka sorts them). */
function assignmentText(assignment: GroupSnapshot['members'][number]['assignment']): string {
  if (assignment.length === 0) return MISSING;
  const byTopic = new Map<string, string[]>();
  for (const tp of assignment)
    byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), String(tp.partition)]);
  return [...byTopic.values()]
    .map((ps) => `(${ps.sort().join(',')})`)
    .sort()
    .join(', ');
}

export function describeState(snapshot: ClusterSnapshot, groupId: string, out: Output): void {
  const group = snapshot.groups.find((g) => g.groupId === groupId);
  if (!preamble(out, group, groupId, 1) || !group) return;
  const coordinator = `${brokerHost(group.coordinator)}:${BROKER_PORT}  (${group.coordinator})`;
  const first = Math.max(25, coordinator.length);
  const line = (cells: string[]) =>
    `\n${padRight(cells[0]!, first)} ${columns(cells.slice(1), [25, 20, 15, null])}`;
  out.stdout += line(['GROUP', 'COORDINATOR (ID)', 'ASSIGNMENT-STRATEGY', 'STATE', '#MEMBERS']);
  out.stdout += line([groupId, coordinator, group.protocol ?? '', group.state, String(group.members.length)]);
  out.stdout += '\n';
}
