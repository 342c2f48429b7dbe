/**
 * Bookkeeping of the sticky general path (`AbstractStickyAssignor.PartitionMovements`): which
 * partitions moved between which members during one rebalance. When a partition is about to move
 * from A to B and some partition of the same topic already moved from B to A, Kafka moves that one
 * back instead, so no partition ping-pongs between two members. Which one it picks is the first of
 * a Java `HashSet<TopicPartition>`, so the sets below iterate in Java's order.
 */
import type { JavaHashSet } from '../java-hash';
import { newTopicPartitionHashSet, tpKey } from './topic-partitions';
import type { TopicPartition } from './types';

interface Move {
  src: string;
  dst: string;
}

const pairKey = (src: string, dst: string): string => JSON.stringify([src, dst]);

export class PartitionMovements {
  /** Topic → (src → dst) → partitions that moved that way. */
  private readonly byTopic = new Map<string, Map<string, JavaHashSet<TopicPartition>>>();
  private readonly moves = new Map<string, Move>();

  /** The partition to move when `tp` should go from `from` to `to` (tp itself, or one to move back). */
  partitionToMove(tp: TopicPartition, from: string, to: string): TopicPartition {
    const topicMoves = this.byTopic.get(tp.topic);
    if (topicMoves === undefined) return tp;
    // If tp moved already, the pair that matters is relative to its original owner.
    const origin = this.moves.get(tpKey(tp))?.src ?? from;
    return topicMoves.get(pairKey(to, origin))?.first() ?? tp;
  }

  /** Records that `tp` went from `from` to `to`; a move straight back cancels the record. */
  move(tp: TopicPartition, from: string, to: string): void {
    const key = tpKey(tp);
    const earlier = this.moves.get(key);
    if (earlier === undefined) {
      this.add(tp, { src: from, dst: to });
      return;
    }
    this.remove(tp, earlier);
    if (earlier.src !== to) this.add(tp, { src: earlier.src, dst: to });
  }

  private add(tp: TopicPartition, move: Move): void {
    this.moves.set(tpKey(tp), move);
    let topicMoves = this.byTopic.get(tp.topic);
    if (topicMoves === undefined) this.byTopic.set(tp.topic, (topicMoves = new Map()));
    const k = pairKey(move.src, move.dst);
    let set = topicMoves.get(k);
    if (set === undefined) topicMoves.set(k, (set = newTopicPartitionHashSet()));
    set.add(tp);
  }

  private remove(tp: TopicPartition, move: Move): void {
    this.moves.delete(tpKey(tp));
    const topicMoves = this.byTopic.get(tp.topic)!;
    const k = pairKey(move.src, move.dst);
    const set = topicMoves.get(k)!;
    set.delete(tp);
    // Empty sets and maps are dropped, as in Kafka: a later set starts again at capacity 16.
    if (set.size === 0) topicMoves.delete(k);
    if (topicMoves.size === 0) this.byTopic.delete(tp.topic);
  }
}
