/**
 * Lesson 4 — The cluster: brokers hold the data, a small quorum of controllers agrees on the
 * metadata with Raft, and one of them leads. Crash the leader and watch the next election.
 */
import type { Lesson } from '../lesson-types';
import { eventsOf, list } from '../facts';

const aliveVoters = (s: { quorum: { voters: { alive: boolean }[] } }) =>
  s.quorum.voters.filter((v) => v.alive).length;

export function candidatesText(started: readonly { node: string }[]): string {
  const nodes = [...new Set(started.map((e) => e.node))];
  const rounds =
    started.length > nodes.length
      ? ` (${started.length} elections in all: a split vote means another round)`
      : '';
  return `${nodes.length === 1 ? nodes[0] : list(nodes)} started an election${rounds}, and `;
}

export const clusterLesson: Lesson = {
  id: '04-cluster',
  number: 4,
  title: 'The cluster',
  summary:
    'Brokers and a controller quorum that elects its leader with Raft. Crash the leader and watch the next election.',
  seed: 4,
  options: { brokers: 3, controllers: 3, network: { latencyMsMin: 15, latencyMsMax: 30 } },
  setup: [],
  speed: 0.5,
  tools: ['faults', 'inspect'],
  steps: [
    {
      id: 'meet',
      kind: 'narrative',
      title: 'Brokers and controllers',
      body: [
        'A cluster is a handful of servers. The **brokers** (the columns below) store the data and answer producers and consumers.',
        'Above them sit three **controllers**. They keep the cluster’s metadata — which brokers are alive, which topics exist, who leads each partition — in a small replicated log, and agree on it with the **Raft** consensus protocol.',
        'One controller is the **active controller** (the Raft leader). The others follow it and copy its log. Watch the messages: the leader keeps sending heartbeats, and the brokers report in too.',
      ],
      status: (s) =>
        s.quorum.leader
          ? `Right now ${s.quorum.leader} is the active controller (epoch ${s.quorum.epoch}).`
          : 'No controller leads right now.',
    },
    {
      id: 'predict-crash',
      kind: 'predict',
      moments: ['controller-election'],
      title: 'Crash the active controller',
      body: [
        'Suppose the active controller’s machine dies. The followers stop hearing from it.',
        'Pick what you expect, then the simulation crashes it for real.',
      ],
      question: 'What happens next?',
      choices: [
        { id: 'stuck', label: 'The cluster is stuck until someone restarts that controller' },
        { id: 'elect', label: 'The remaining controllers elect a new leader among themselves' },
        { id: 'broker', label: 'A broker takes over as controller' },
      ],
      run: (s) => (s.quorum.leader ? [{ type: 'node.crash', node: s.quorum.leader }] : []),
      until: {
        waitingFor: 'Waiting for a new controller to win an election…',
        event: 'raft.leaderElected',
        where: (e, view) => e.type === 'raft.leaderElected' && e.node !== view.entry?.quorum.leader,
        // After a reload mid-prediction the election may be over: a leader while a controller is down.
        state: ({ snapshot: s }) =>
          s.quorum.leader !== null && s.quorum.voters.some((v) => !v.alive && v.id !== s.quorum.leader),
      },
      reveal: (view) => {
        const crashed = view.entry?.quorum.leader ?? 'the old leader';
        const crash = view.stepEvents.find((e) => e.type === 'controller.crashed');
        const won = eventsOf(view.stepEvents, 'raft.leaderElected').at(-1);
        const started = eventsOf(view.stepEvents, 'raft.electionStarted');
        if (!won) {
          const down = view.snapshot.quorum.voters.find((v) => !v.alive)?.id;
          const now = view.snapshot.quorum.leader;
          return now && down
            ? {
                text: `${down} is down and ${now} leads the quorum (epoch ${view.snapshot.quorum.epoch}): the remaining controllers elected it. Two of three controllers are still a majority, so the cluster keeps going.`,
                correct: 'elect',
              }
            : { text: `${crashed} crashed, but no one has been elected yet.` };
        }
        const afterMs = crash ? won.atMs - crash.atMs : undefined;
        return {
          text:
            `${crashed} crashed. The followers stopped hearing heartbeats; after their election timeout ` +
            // Count candidates, not elections: a split vote makes a node stand again (learners read
            // "3 candidates" with two controllers alive).
            candidatesText(started) +
            `${won.node} won epoch ${won.epoch} with the votes of ${list(won.votes)}` +
            (afterMs !== undefined ? `, ${afterMs} ms after the crash.` : '.') +
            ' Two of three controllers are still a majority, so the cluster keeps going.',
          correct: 'elect',
        };
      },
    },
    {
      id: 'restart',
      kind: 'wait',
      moments: ['controller-election'],
      title: 'Bring it back',
      body: [
        'Restart the crashed controller. It comes back with its durable log, learns there is a newer epoch, and rejoins as a follower — it does not take its old job back.',
      ],
      actions: [
        {
          id: 'restart',
          label: 'Restart the crashed controller',
          commands: (s) =>
            s.quorum.voters
              .filter((v) => !v.alive)
              .map((v) => ({ type: 'node.restart' as const, node: v.id })),
        },
      ],
      fact: {
        waitingFor: 'Waiting for every controller to be back and following the leader…',
        state: ({ snapshot: s }) =>
          s.quorum.leader !== null &&
          s.quorum.voters.every(
            (v) => v.alive && (v.id === s.quorum.leader || v.leaderId === s.quorum.leader),
          ),
      },
      status: (s) => `Controllers alive: ${aliveVoters(s)} of ${s.quorum.voters.length}.`,
    },
    {
      id: 'majority',
      kind: 'challenge',
      title: 'Break the majority',
      body: [
        'Raft needs a **majority** of the voters to elect a leader and to commit anything. With three controllers that is two.',
        'Use the **Faults** tab to crash nodes until the quorum can no longer have a leader, then press Check.',
      ],
      goal: 'Leave the controller quorum without a majority.',
      tools: ['faults', 'inspect'],
      check: ({ snapshot: s }) => {
        const alive = aliveVoters(s);
        const majority = Math.floor(s.quorum.voters.length / 2) + 1;
        if (alive < majority)
          return {
            ok: true,
            message: `Only ${alive} of ${s.quorum.voters.length} controllers are alive: below the majority of ${majority}, no election can succeed, so no metadata can change.`,
          };
        const brokersDown = s.brokers.filter((b) => !b.alive).length;
        return {
          ok: false,
          hint:
            brokersDown > 0
              ? 'Brokers do not vote in the controller quorum: crash controllers (controller-1..3) instead.'
              : `${alive} of ${s.quorum.voters.length} controllers are alive, still a majority. Crash another controller.`,
        };
      },
    },
    {
      id: 'recover',
      kind: 'narrative',
      title: 'A quorum survives minorities',
      body: [
        'With a majority gone, the survivors keep calling elections that never succeed. Restart the controllers and they elect a leader again.',
        'This is why clusters run an odd number of controllers: three survive one failure, five survive two.',
      ],
      actions: [
        {
          id: 'restart-all',
          label: 'Restart every crashed node',
          commands: (s) =>
            s.nodes.filter((n) => !n.alive).map((n) => ({ type: 'node.restart' as const, node: n.id })),
        },
      ],
      status: (s) =>
        s.quorum.leader
          ? `${s.quorum.leader} leads (epoch ${s.quorum.epoch}).`
          : 'No controller leads right now.',
    },
  ],
};
