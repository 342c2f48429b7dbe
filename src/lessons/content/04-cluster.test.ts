import { describe, expect, it } from 'vitest';
import { candidatesText, clusterLesson } from './04-cluster';
import { startHeadless } from '../testing/headless';

describe('lesson 4 on the real engine', () => {
  it('walks every step: the election happens, the restart rejoins, the challenge tells right from wrong', () => {
    const h = startHeadless(clusterLesson);
    expect(h.untilComplete(20_000)).toBe(true);
    expect(h.index()).toBe(0);
    h.send({ type: 'user.next' });
    // predict: answer, the controller crashes, a new one is elected
    const before = h.sim.snapshot().quorum.leader;
    h.send({ type: 'user.answer', choice: 'stuck' });
    expect(h.untilComplete(20_000)).toBe(true);
    const after = h.sim.snapshot().quorum.leader;
    expect(after).not.toBe(before);
    const reveal = h.actor.getSnapshot().context.reveals['predict-crash'];
    expect(reveal?.correct).toBe('elect');
    expect(reveal?.text).toContain(`${after} won epoch`);
    h.send({ type: 'user.next' });
    // restart
    h.send({ type: 'user.action', action: 'restart' });
    expect(h.untilComplete(20_000)).toBe(true);
    h.send({ type: 'user.next' });
    // challenge: a broker crash is the wrong fix
    h.act([{ type: 'broker.crash', broker: 1 }]);
    h.send({ type: 'user.check' });
    expect(h.actor.getSnapshot().context.hint).toMatch(/Brokers do not vote/);
    h.act([{ type: 'broker.restart', broker: 1 }]);
    const leader = h.sim.snapshot().quorum.leader!;
    const other = h.sim.snapshot().quorum.voters.find((v) => v.id !== leader)!.id;
    h.act([{ type: 'node.crash', node: other }]);
    h.send({ type: 'user.check' });
    expect(h.actor.getSnapshot().context.hint).toMatch(/still a majority/);
    h.act([{ type: 'node.crash', node: leader }]);
    h.send({ type: 'user.check' });
    expect(h.actor.getSnapshot().matches({ step: 'complete' })).toBe(true);
    h.send({ type: 'user.next' });
    h.send({ type: 'user.action', action: 'restart-all' });
    expect(h.runUntil(() => h.sim.snapshot().quorum.leader !== null, 20_000)).toBe(true);
    h.send({ type: 'user.next' });
    expect(h.actor.getSnapshot().matches('finished')).toBe(true);
    expect(h.refused).toEqual([]);
  });
});

describe('lesson 4: the reveal counts candidates, not elections (learners read "3 candidates" with 2 alive)', () => {
  it('a split vote is another round by the same two controllers', () => {
    const started = [{ node: 'controller-2' }, { node: 'controller-3' }, { node: 'controller-2' }];
    expect(candidatesText(started)).toBe(
      'controller-2 and controller-3 started an election (3 elections in all: a split vote means another round), and ',
    );
    expect(candidatesText([{ node: 'controller-3' }])).toBe('controller-3 started an election, and ');
  });
});
