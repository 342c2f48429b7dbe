/**
 * The sticky assignors' general path, for members with different subscriptions
 * (`GeneralAssignmentBuilder`, reference §2.3; rack-aware steps not modelled):
 * 1. keep every owned partition whose topic the member still subscribes to;
 * 2. give each remaining partition, topics with the fewest possible consumers first, to the
 *    subscribed member holding the fewest partitions (ties by member id);
 * 3. move partitions toward balance, preferring to send a partition back to the member that held it
 *    in an older generation; keep the result only if its balance score improved (unless the group
 *    started empty).
 */
import type { AssignmentInput, PreparedMember } from './input';
import { PartitionMovements } from './partition-movements';
import type { Ownership } from './sticky-ownership';
import { NO_GENERATION } from './sticky-ownership';
import type { StickyResult } from './sticky-constrained';
import { compareStrings, partitionsOf, removeFirst, tpKey } from './topic-partitions';
import type { TopicPartition } from './types';

interface PreviousOwner {
  member: string;
  generation: number;
}

class GeneralBuilder {
  private readonly counts: Map<string, number>;
  private readonly total: number;
  private readonly topicConsumers = new Map<string, string[]>();
  private readonly consumerTopics = new Map<string, string[]>();
  /** Member → partitions; members whose assignment cannot change are taken out during balancing. */
  private readonly current: Map<string, TopicPartition[]>;
  private readonly owner = new Map<string, string>();
  private readonly movements = new PartitionMovements();
  private revocationRequired = false;

  constructor(
    private readonly input: AssignmentInput,
    private readonly ownership: Ownership,
  ) {
    this.counts = input.partitions;
    this.total = [...this.counts.values()].reduce((a, b) => a + b, 0);
    for (const t of input.topics) this.topicConsumers.set(t, []);
    for (const m of input.members) {
      const topics = m.topics.filter((t) => this.counts.has(t));
      this.consumerTopics.set(m.memberId, topics);
      for (const t of topics) this.topicConsumers.get(t)!.push(m.memberId);
    }
    this.current = new Map(input.members.map((m) => [m.memberId, [...ownership.owned.get(m.memberId)!]]));
    for (const [member, list] of this.current) for (const tp of list) this.owner.set(tpKey(tp), member);
  }

  build(): Map<string, TopicPartition[]> {
    // Topics with fewer potential consumers first: they have the least freedom.
    const sortedTopics = [...this.input.topics].sort(
      (a, b) =>
        this.topicConsumers.get(a)!.length - this.topicConsumers.get(b)!.length || compareStrings(a, b),
    );
    const sortedAll = sortedTopics.flatMap((t) => partitionsOf(t, this.counts.get(t)!));
    const previous = this.previousOwners();
    const assigned = new Set(this.keepOwnedPartitions().map(tpKey));
    const unassigned = sortedAll.filter((tp) => !assigned.has(tpKey(tp)));
    this.balance(previous, sortedAll, unassigned);
    return this.current;
  }

  /** Kafka's prevAssignment: owners from generations older than the newest, the latest of them wins. */
  private previousOwners(): Map<string, PreviousOwner> {
    const previous = new Map<string, PreviousOwner>();
    const max = this.ownership.maxGeneration;
    for (const m of this.input.members) {
      const generation = m.generation ?? NO_GENERATION;
      if (generation >= max) continue;
      for (const tp of m.ownedPartitions) {
        const before = previous.get(tpKey(tp));
        if (before === undefined || generation > before.generation) {
          previous.set(tpKey(tp), { member: m.memberId, generation });
        }
      }
    }
    return previous;
  }

  /** Drops owned partitions of topics the member left (that forces a revocation); returns the rest. */
  private keepOwnedPartitions(): TopicPartition[] {
    const kept: TopicPartition[] = [];
    for (const [member, list] of this.current) {
      const subscribed = this.memberById(member).topics;
      for (const tp of [...list]) {
        if (subscribed.includes(tp.topic)) kept.push(tp);
        else {
          removeFirst(list, tp);
          this.revocationRequired = true;
        }
      }
    }
    return kept;
  }

  private balance(
    previous: Map<string, PreviousOwner>,
    sortedAll: TopicPartition[],
    unassigned: TopicPartition[],
  ) {
    const initializing = [...this.current.values()].every((l) => l.length === 0);
    for (const tp of unassigned) {
      const to = this.leastLoaded(tp.topic);
      if (to !== undefined) this.give(tp, to);
    }
    // Partitions of topics with one possible consumer, and members that cannot change, stay put.
    const movable = (tp: TopicPartition) => this.topicConsumers.get(tp.topic)!.length >= 2;
    const reassignable = sortedAll.filter(movable);
    const newlyAssigned = unassigned.filter(movable);
    const fixed = new Map<string, TopicPartition[]>();
    for (const member of this.consumerTopics.keys()) {
      if (!this.canParticipate(member)) {
        fixed.set(member, this.current.get(member)!);
        this.current.delete(member);
      }
    }
    const before = new Map([...this.current].map(([m, l]) => [m, [...l]]));
    const ownersBefore = new Map(this.owner);
    if (!this.revocationRequired) this.reassign(newlyAssigned, previous);
    const moved = this.reassign(reassignable, previous);
    if (!initializing && moved && this.balanceScore(this.current) >= this.balanceScore(before)) {
      this.current.clear();
      for (const [m, l] of before) this.current.set(m, l);
      this.owner.clear();
      for (const [k, m] of ownersBefore) this.owner.set(k, m);
    }
    for (const [m, l] of fixed) this.current.set(m, l);
  }

  /** Kafka's performReassignments: sweep until nothing moves or the assignment is balanced. */
  private reassign(partitions: TopicPartition[], previous: Map<string, PreviousOwner>): boolean {
    let moved = false;
    let modified: boolean;
    do {
      modified = false;
      for (let i = 0; i < partitions.length && !this.isBalanced(); i++) {
        const tp = partitions[i]!;
        const holder = this.owner.get(tpKey(tp))!;
        const size = this.sizeOf(holder);
        const prev = previous.get(tpKey(tp));
        // Deviation: Kafka would also hand it back to a previous owner no longer subscribed to the topic.
        if (
          prev !== undefined &&
          this.isActiveSubscriber(prev.member, tp.topic) &&
          size > this.sizeOf(prev.member) + 1
        ) {
          this.moveTo(tp, prev.member);
          moved = modified = true;
          continue;
        }
        const someoneLighter = this.topicConsumers
          .get(tp.topic)!
          .some((c) => this.current.has(c) && size > this.sizeOf(c) + 1);
        if (someoneLighter) {
          this.moveTo(tp, this.leastLoaded(tp.topic)!);
          moved = modified = true;
        }
      }
    } while (modified);
    return moved;
  }

  private moveTo(tp: TopicPartition, to: string): void {
    const from = this.owner.get(tpKey(tp))!;
    const actual = this.movements.partitionToMove(tp, from, to);
    const actualFrom = this.owner.get(tpKey(actual))!;
    this.movements.move(actual, actualFrom, to);
    removeFirst(this.current.get(actualFrom)!, actual);
    this.give(actual, to);
  }

  private give(tp: TopicPartition, to: string): void {
    this.current.get(to)!.push(tp);
    this.owner.set(tpKey(tp), to);
  }

  /** The first member of Kafka's sortedCurrentSubscriptions (fewest partitions, then id) that can take `topic`. */
  private leastLoaded(topic: string): string | undefined {
    let best: string | undefined;
    for (const [member, list] of this.current) {
      if (!this.consumerTopics.get(member)!.includes(topic)) continue;
      if (best === undefined) best = member;
      else {
        const d = list.length - this.sizeOf(best);
        if (d < 0 || (d === 0 && compareStrings(member, best) < 0)) best = member;
      }
    }
    return best;
  }

  /** Balanced: sizes differ by at most one, or no partition could move to a member 2+ lighter. */
  private isBalanced(): boolean {
    const sizes = [...this.current.values()].map((l) => l.length);
    if (Math.min(...sizes) >= Math.max(...sizes) - 1) return true;
    for (const [member, list] of this.current) {
      const topics = this.consumerTopics.get(member)!;
      if (list.length === this.maxAssignmentSize(topics)) continue;
      for (const topic of topics) {
        for (let p = 0; p < this.counts.get(topic)!; p++) {
          const other = this.owner.get(tpKey({ topic, partition: p }));
          if (other === undefined || other === member || !this.current.has(other)) continue;
          if (list.length + 1 < this.sizeOf(other)) return false;
        }
      }
    }
    return true;
  }

  private canParticipate(member: string): boolean {
    const list = this.current.get(member)!;
    if (list.length < this.maxAssignmentSize(this.consumerTopics.get(member)!)) return true;
    return list.some((tp) => this.topicConsumers.get(tp.topic)!.length >= 2);
  }

  private maxAssignmentSize(topics: string[]): number {
    if (topics.length === this.counts.size) return this.total;
    return topics.reduce((sum, t) => sum + this.counts.get(t)!, 0);
  }

  /** Sum over member pairs of the difference in partition counts; 0 is perfectly balanced. */
  private balanceScore(assignment: Map<string, TopicPartition[]>): number {
    const sizes = [...assignment.values()].map((l) => l.length);
    let score = 0;
    for (let i = 0; i < sizes.length; i++)
      for (let j = i + 1; j < sizes.length; j++) score += Math.abs(sizes[i]! - sizes[j]!);
    return score;
  }

  private sizeOf(member: string): number {
    return this.current.get(member)?.length ?? 0;
  }

  private isActiveSubscriber(member: string, topic: string): boolean {
    return this.current.has(member) && this.consumerTopics.get(member)!.includes(topic);
  }

  private memberById(id: string): PreparedMember {
    return this.input.byId.get(id)!;
  }
}

export function generalAssign(input: AssignmentInput, ownership: Ownership): StickyResult {
  return { assignment: new GeneralBuilder(input, ownership).build(), transferring: null };
}
