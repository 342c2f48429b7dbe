/**
 * The one glossary (issue 16 item 4): every Kafka word the screens show, in plain words for a
 * beginner. The diagram's legend, panels and forms wrap these words in <Term> (a focusable tooltip);
 * lesson text links to an entry with `[[id]]` or `[[id|shown words]]` (src/lessons/markup.ts).
 * Plain text only: nothing here is rendered as HTML.
 */
export interface GlossaryEntry {
  /** What the screen shows. */
  term: string;
  /** One or two sentences a newcomer can follow. */
  plain: string;
}

export const GLOSSARY = {
  broker: {
    term: 'broker',
    plain:
      'A server that stores partitions and answers clients. A cluster has several, so losing one loses no data.',
  },
  controller: {
    term: 'controller',
    plain:
      'A server that keeps the cluster’s metadata (which topics exist, who leads each partition). Controllers vote one of them active (KRaft).',
  },
  topic: { term: 'topic', plain: 'A named stream of records, split into partitions.' },
  partition: {
    term: 'partition',
    plain: 'An ordered, append-only log: part of a topic. Records in one partition keep their order.',
  },
  offset: {
    term: 'offset',
    plain: 'A record’s position in its partition: 0, 1, 2, … It never changes and is never reused.',
  },
  replica: {
    term: 'replica',
    plain: 'A copy of a partition on one broker. One replica leads; the others follow it.',
  },
  leader: {
    term: 'leader',
    plain: 'The replica that takes all writes and reads of a partition. Followers copy from it.',
  },
  isr: {
    term: 'ISR',
    plain:
      'In-sync replicas: the leader and the followers that have caught up with it recently. Only they can become leader without losing committed records.',
  },
  'min-isr': {
    term: 'min.insync.replicas',
    plain:
      'How many in-sync replicas must have a record before an acks=all write succeeds. Below it, such writes fail with NOT_ENOUGH_REPLICAS.',
  },
  leo: {
    term: 'LEO',
    plain:
      'Log end offset: the offset the next record written to this replica will get (one past its last record).',
  },
  hw: {
    term: 'HW',
    plain:
      'High watermark: every record before it is on all in-sync replicas (committed). Consumers only read below it.',
  },
  lso: {
    term: 'LSO',
    plain:
      'Last stable offset: the first record of a transaction still open. read_committed consumers stop there until the transaction ends.',
  },
  'log-start': {
    term: 'log start offset',
    plain: 'The oldest offset the log still has. Retention deletes old segments and moves it forward.',
  },
  segment: {
    term: 'segment',
    plain:
      'A log is stored as a series of files (segments). Retention deletes whole old segments, never single records.',
  },
  epoch: {
    term: 'epoch',
    plain:
      'A counter that goes up each time a new leader (or controller) takes over. A message from an older epoch is out of date and refused.',
  },
  'leader-epoch': {
    term: 'leader epoch',
    plain: 'Counts the leaders this partition has had. It goes up at every leader election.',
  },
  fenced: {
    term: 'fenced',
    plain:
      'Shut out: a broker the controller no longer trusts (its heartbeats stopped), or a producer a newer one with the same transactional.id replaced.',
  },
  unattached: {
    term: 'unattached',
    plain:
      'A controller that has not yet heard of an active controller in its epoch: it waits, then asks for votes.',
  },
  acks: {
    term: 'acks',
    plain:
      'How many replicas must have a write before the producer hears “done”: 0 (nobody), 1 (the leader), all (every in-sync replica).',
  },
  'consumer-group': {
    term: 'consumer group',
    plain:
      'Consumers sharing a group.id split a topic’s partitions between them, each partition to one member. Each group reads the whole topic on its own.',
  },
  'group-id': { term: 'group.id', plain: 'The name of the consumer group this consumer joins.' },
  'auto-offset-reset': {
    term: 'auto.offset.reset',
    plain:
      'Where a consumer starts when its group has no committed offset yet: earliest (the start of the log) or latest (only new records).',
  },
  assignor: {
    term: 'partition.assignment.strategy',
    plain:
      'The rule that splits partitions between a group’s members (range, round-robin, sticky, cooperative-sticky).',
  },
  'committed-offset': {
    term: 'committed offset',
    plain:
      'Where a consumer group saved its progress on a partition: after a restart or rebalance, reading resumes there.',
  },
  position: {
    term: 'fetch position',
    plain:
      'The offset a consumer will fetch next. It runs ahead of the committed offset until the consumer commits.',
  },
  lag: { term: 'lag', plain: 'How far a consumer is behind: high watermark minus its position.' },
  rebalance: {
    term: 'rebalance',
    plain: 'The group hands its partitions out again because a member joined, left or died.',
  },
  'group-state': {
    term: 'group state',
    plain:
      'Empty (no members), PreparingRebalance (waiting for members to rejoin), CompletingRebalance (waiting for the leader’s plan), Stable (everyone has partitions), Dead.',
  },
  generation: {
    term: 'generation',
    plain: 'Counts a group’s rebalances; a member from an older one is refused.',
  },
  transaction: {
    term: 'transaction',
    plain: 'Writes to several partitions that count all together or not at all.',
  },
  'txn-marker': {
    term: 'transaction marker',
    plain:
      'A COMMIT or ABORT record written at the end of a transaction on each partition it touched. Applications never see markers.',
  },
  'isolation-level': {
    term: 'isolation.level',
    plain:
      'read_uncommitted consumers read every record up to the high watermark; read_committed ones skip aborted transactions and stop at the LSO.',
  },
  idempotence: {
    term: 'idempotent producer',
    plain:
      'A producer whose retries never write a record twice: the broker drops duplicates by sequence number.',
  },
  'replication-factor': {
    term: 'replication factor',
    plain: 'How many brokers keep a copy of each partition.',
  },
  retention: {
    term: 'retention.ms',
    plain: 'How long records are kept before their segment may be deleted.',
  },
} as const satisfies Record<string, GlossaryEntry>;

export type GlossaryId = keyof typeof GLOSSARY;

export function isGlossaryId(id: string): id is GlossaryId {
  return Object.hasOwn(GLOSSARY, id);
}

/** The entry for `id`, or undefined for a word the glossary does not have. */
export function glossaryEntry(id: string): GlossaryEntry | undefined {
  return isGlossaryId(id) ? GLOSSARY[id] : undefined;
}

/** "LEO: Log end offset: …" — for SVG <title>s and aria-labels, where a <Term> cannot go. */
export function explain(id: GlossaryId): string {
  const e = GLOSSARY[id];
  return `${e.term}: ${e.plain}`;
}
