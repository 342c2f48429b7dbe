/**
 * kafka-consumer-groups (ConsumerGroupCommand.java, ConsumerGroupCommandOptions.java): --list,
 * --describe (offsets, --members, --state), --reset-offsets. A reset with --execute commits the
 * new offsets as Kafka's admin client does on the wire: an OffsetCommit with generation -1 and no
 * member id, which the coordinator accepts only while the group is empty. StreamLab sends it from
 * a short-lived `adminclient-N` client node.
 */
import { admin, isEngineError, type ClusterSnapshot, type GroupSnapshot } from '../../engine';
import { checkBootstrap, columns, freshClientId, parseIsoDateTime, stackTrace } from '../common';
import { Opts, type OptionSpecs } from '../options';
import { done, type CliChunk, type CliHandle, type CliResult, type CliTarget } from '../types';
import { describeMembers, describeOffsets, describeState, type Output } from './groups-describe';
import { deleteGroups } from './groups-delete';
import { GROUPS_HELP } from '../help/consumer-groups';
import { forbid, parseWith, requireArg, usage } from './usage';

export const GROUPS_OPTIONS: OptionSpecs = {
  'all-groups': {},
  'all-topics': {},
  'bootstrap-server': { arg: true },
  'by-duration': { arg: true },
  'command-config': { arg: true },
  delete: {},
  'delete-offsets': {},
  describe: {},
  'dry-run': {},
  execute: {},
  export: {},
  'from-file': { arg: true },
  group: { arg: true },
  help: {},
  list: {},
  members: {},
  offsets: {},
  'reset-offsets': {},
  'shift-by': { arg: true },
  state: {},
  timeout: { arg: true },
  'to-current': {},
  'to-datetime': { arg: true },
  'to-earliest': {},
  'to-latest': {},
  'to-offset': { arg: true },
  topic: { arg: true },
  type: { arg: true },
  verbose: {},
  version: {},
};

const ACTIONS = ['list', 'describe', 'delete', 'reset-offsets', 'delete-offsets'];
const SCENARIOS = [
  'to-offset',
  'shift-by',
  'to-datetime',
  'by-duration',
  'to-earliest',
  'to-latest',
  'to-current',
  'from-file',
];
const SCOPE = '[all-groups], [group]';

export function kafkaConsumerGroups(target: CliTarget, args: string[]): CliResult | CliHandle {
  const parsed = parseWith(GROUPS_OPTIONS, args, 'usage', GROUPS_HELP);
  if ('exitCode' in parsed) return parsed;
  const o = new Opts(parsed);
  if (args.length === 0 || o.has('help')) {
    return usage(
      'This tool helps to list all consumer groups, describe a consumer group, delete consumer group info, or reset consumer group offsets.',
      GROUPS_HELP,
    );
  }
  if (ACTIONS.filter((a) => o.has(a)).length !== 1) {
    return usage(
      'Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets',
      GROUPS_HELP,
    );
  }
  const missing = requireArg(o, 'bootstrap-server', GROUPS_HELP);
  if (missing) return missing;
  let warn = '';
  if (o.has('describe')) {
    if (!o.has('group') && !o.has('all-groups'))
      return usage(`Option [describe] takes one of these options: ${SCOPE}`, GROUPS_HELP);
    if (['members', 'offsets', 'state'].filter((x) => o.has(x)).length > 1) {
      return usage(
        'Option [describe] takes at most one of these options: [members], [offsets], [state]',
        GROUPS_HELP,
      );
    }
  }
  if (o.has('delete') && !o.has('group') && !o.has('all-groups'))
    return usage(`Option [delete] takes one of these options: ${SCOPE}`, GROUPS_HELP);
  if (o.has('reset-offsets')) {
    if (o.has('dry-run') && o.has('execute'))
      return usage('Option [reset-offsets] only accepts one of [execute] and [dry-run]', GROUPS_HELP);
    if (!o.has('dry-run') && !o.has('execute')) {
      warn =
        'WARN: No action will be performed as the --execute option is missing.In a future major release, the default behavior of this command will be to prompt the user before executing the reset rather than doing a dry run. You should add the --dry-run option explicitly if you are scripting this command and want to keep the current default behavior without prompting.\n';
    }
    if (!o.has('group') && !o.has('all-groups'))
      return usage(`Option [reset-offsets] takes one of these options: ${SCOPE}`, GROUPS_HELP);
    for (const s of SCENARIOS) {
      const clash = forbid(
        o,
        s,
        SCENARIOS.filter((x) => x !== s),
        GROUPS_HELP,
      );
      if (clash) return { ...clash, stderr: warn + clash.stderr };
    }
  }
  const clash =
    forbid(o, 'group', ['all-groups'], GROUPS_HELP) ??
    forbid(o, 'group', ['list'], GROUPS_HELP) ??
    forbid(o, 'topic', ['list', 'describe'], GROUPS_HELP);
  if (clash) return { ...clash, stderr: warn + clash.stderr };
  const snapshot = target.snapshot();
  const boot = checkBootstrap(snapshot, o.value('bootstrap-server')!);
  if (!boot.ok) {
    const msg = 'Timed out waiting for a node assignment. Call: listConsumerGroups';
    return done(
      `\nError: Executing consumer group command failed due to ${msg}\n`,
      warn + stackTrace('org.apache.kafka.common.errors.TimeoutException', msg),
      1,
    );
  }
  const groupIds = o.has('all-groups')
    ? snapshot.groups
        .filter((g) => g.state !== 'Dead')
        .map((g) => g.groupId)
        .sort()
    : o.all('group');
  const out: Output = { stdout: '', stderr: warn };
  if (o.has('list')) list(snapshot, o, out);
  else if (o.has('describe')) {
    for (const g of groupIds) {
      if (o.has('members')) describeMembers(snapshot, g, o.has('verbose'), out);
      else if (o.has('state')) describeState(snapshot, g, out);
      else describeOffsets(target, snapshot, g, out);
    }
  } else if (o.has('reset-offsets')) {
    const pending: string[] = [];
    const seq = target.lastSeq();
    const r = reset(target, snapshot, groupIds, o, out, pending);
    if (r) return r;
    if (pending.length > 0) return new AwaitCommit(pending[0]!, done(out.stdout, out.stderr, 0), seq);
  } else if (o.has('delete')) {
    // ConsumerGroupCommand exits 0 even when some groups could not be deleted.
    out.stdout += deleteGroups(target, groupIds).stdout;
  } else {
    return done('', `${warn}StreamLab does not simulate OffsetDelete yet.\n`, 1);
  }
  return done(out.stdout, out.stderr, 0);
}

function list(snapshot: ClusterSnapshot, o: Opts, out: Output): void {
  const groups = snapshot.groups.filter((g) => g.state !== 'Dead');
  if (!o.has('state') && !o.has('type')) {
    out.stdout += groups.map((g) => `${g.groupId}\n`).join('');
    return;
  }
  const width = Math.max(15, ...groups.map((g) => g.groupId.length)) + 10;
  const headers = ['GROUP', ...(o.has('type') ? ['TYPE'] : []), ...(o.has('state') ? ['STATE'] : [])];
  const widths = [width, ...headers.slice(1).map(() => 20)];
  out.stdout += `${columns(headers, widths)}\n`;
  for (const g of groups) {
    const cells = [g.groupId, ...(o.has('type') ? ['Classic'] : []), ...(o.has('state') ? [g.state] : [])];
    out.stdout += `${columns(cells, widths)}\n`;
  }
}

type Offsets = { topic: string; partition: number; offset: number }[];

function reset(
  target: CliTarget,
  snapshot: ClusterSnapshot,
  groupIds: string[],
  o: Opts,
  out: Output,
  pending: string[],
): CliResult | null {
  const plans = new Map<string, Offsets>();
  for (const groupId of groupIds) {
    const group = snapshot.groups.find((g) => g.groupId === groupId);
    if (group && group.state !== 'Empty' && group.state !== 'Dead') {
      out.stdout += `\nError: Assignments can only be reset if the group '${groupId}' is inactive, but the current state is ${group.state}.\n`;
      plans.set(groupId, []);
      continue;
    }
    const partitions = partitionsToReset(snapshot, group, o);
    if (typeof partitions === 'string') return done(out.stdout, `${out.stderr}${partitions}\n`, 1);
    const plan: Offsets = [];
    for (const tp of partitions) {
      const offset = newOffset(target, group, tp, o);
      if (typeof offset === 'string') return done(out.stdout, `${out.stderr}${offset}\n`, 1);
      plan.push({ ...tp, offset });
    }
    if (o.has('execute') && plan.length > 0) pending.push(commit(target, groupId, plan));
    plans.set(groupId, plan);
  }
  if (plans.size > 0) {
    const widths = [30, 30, 10, 15];
    out.stdout += `\n${columns(['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'], widths)}`;
    for (const [groupId, plan] of plans) {
      for (const p of plan)
        out.stdout += `\n${columns([groupId, p.topic, String(p.partition), String(p.offset)], widths)}`;
    }
  }
  out.stdout += '\n';
  return null;
}

/** --topic t / t:0,1 (each may repeat) or --all-topics (every topic the group committed). */
function partitionsToReset(snapshot: ClusterSnapshot, group: GroupSnapshot | undefined, o: Opts) {
  if (o.has('all-topics')) {
    return (group?.offsets ?? [])
      .map(({ topic, partition }) => ({ topic, partition }))
      .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
  }
  if (!o.has('topic')) return 'One of the reset scopes should be defined: --all-topics, --topic.';
  const out: { topic: string; partition: number }[] = [];
  for (const spec of o.all('topic')) {
    const [topic, list] = spec.split(':') as [string, string | undefined];
    const t = snapshot.topics.find((x) => x.name === topic);
    if (list !== undefined) for (const p of list.split(',')) out.push({ topic, partition: Number(p) });
    else if (t) for (const p of t.partitions) out.push({ topic, partition: p.partition });
  }
  return out;
}

function newOffset(
  target: CliTarget,
  group: GroupSnapshot | undefined,
  tp: { topic: string; partition: number },
  o: Opts,
): number | string {
  const ask = (spec: 'earliest' | 'latest' | { timestampMs: number }) => {
    try {
      return admin.listOffsets(target as never, { ...tp, spec }).offset;
    } catch (e) {
      if (isEngineError(e)) return null;
      throw e;
    }
  };
  const earliest = ask('earliest');
  const latest = ask('latest');
  if (earliest === null || latest === null)
    return `Error: Executing consumer group command failed due to ${tp.topic}-${tp.partition} has no leader.`;
  const clamp = (n: number) => Math.min(latest, Math.max(earliest, n));
  const current = group?.offsets.find((x) => x.topic === tp.topic && x.partition === tp.partition)?.offset;
  if (o.has('to-earliest')) return earliest;
  if (o.has('to-latest')) return latest;
  if (o.has('to-current')) return current ?? latest;
  if (o.has('to-offset')) return clamp(Number(o.value('to-offset')));
  if (o.has('shift-by')) return clamp((current ?? latest) + Number(o.value('shift-by')));
  if (o.has('to-datetime')) {
    const ms = parseIsoDateTime(o.value('to-datetime')!);
    if (ms === null) {
      return `Error: Executing consumer group command failed due to Error parsing timestamp. It does not match the format yyyy-MM-dd'T'HH:mm:ss.SSS`;
    }
    const at = ask({ timestampMs: ms });
    return at === null || at < 0 ? latest : at;
  }
  return 'Option [reset-offsets] takes one of these options: [by-duration], [from-file], [shift-by], [to-current], [to-datetime], [to-earliest], [to-latest], [to-offset]';
}

/** AlterConsumerGroupOffsets: an OffsetCommit with no member, from an admin client node. */
function commit(target: CliTarget, groupId: string, offsets: Offsets): string {
  const consumer = freshClientId(target, 'adminclient-1');
  target.dispatch({ type: 'consumer.create', consumer, groupId, config: { 'enable.auto.commit': false } });
  target.dispatch({
    type: 'consumer.assign',
    consumer,
    partitions: offsets.map(({ topic, partition }) => ({ topic, partition })),
  });
  target.dispatch({ type: 'consumer.commit', consumer, offsets });
  return consumer;
}

/**
 * Kafka's tool waits for alterConsumerGroupOffsets before printing; so does this handle: the
 * output appears once the coordinator acknowledged the commit, then the admin client closes.
 */
class AwaitCommit implements CliHandle {
  readonly started: CliChunk = { stdout: '', stderr: '' };
  readonly prompt = null;
  private over = false;
  constructor(
    private readonly client: string,
    private readonly result: CliResult,
    private seenSeq: number,
  ) {}
  poll(target: CliTarget): CliChunk {
    if (this.over) return { stdout: '', stderr: '' };
    for (const e of target.events(this.seenSeq)) {
      this.seenSeq = e.seq;
      if (e.type === 'consumer.committed' && e.consumer === this.client)
        return this.finish(target, this.result);
      if (e.type === 'consumer.commitFailed' && e.consumer === this.client) {
        return this.finish(
          target,
          done('', `\nError: Executing consumer group command failed due to ${e.message}\n`, 1),
        );
      }
    }
    return { stdout: '', stderr: '' };
  }
  private finish(target: CliTarget, r: CliResult): CliChunk {
    this.over = true;
    target.dispatch({ type: 'consumer.close', consumer: this.client });
    return r;
  }
  input(): CliChunk {
    return { stdout: '', stderr: '' };
  }
  interrupt(target: CliTarget): CliChunk {
    return this.over
      ? { stdout: '', stderr: '', exitCode: 130 }
      : { ...this.finish(target, done('')), exitCode: 130 };
  }
  endOfInput(): CliChunk {
    return { stdout: '', stderr: '' };
  }
}
