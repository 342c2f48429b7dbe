/**
 * Everything the app writes, it can open: for generated sessions (commands of every kind, bursts,
 * refused commands, time travel and forks), export ∘ import is the identity, through a file and
 * through a link, and the reopened session is the same session.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Command } from '../engine';
import { parseScenario } from '../bridge/scenario';
import {
  decodeScenarioFromLink,
  encodeScenarioForLink,
  scenarioFromJson,
  scenarioToJson,
} from '../bridge/scenario-codec';
import { scenarioOf, timelineFromScenario } from './session-open';
import { Timeline } from './timeline';

type Action = { run: number } | { back: number } | { command: Command };

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  fc.record({
    type: fc.constant('topic.create' as const),
    topic: fc.constantFrom('orders', 'orders.eu', 'orders_eu', 'pay'),
    partitions: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.constant(100_000)),
    replicationFactor: fc.integer({ min: 1, max: 3 }),
  }),
  fc.record({ type: fc.constant('producer.create' as const), producer: fc.constantFrom('p1', 'p2') }),
  fc.record({
    type: fc.constant('producer.send' as const),
    producer: fc.constantFrom('p1', 'p2'),
    topic: fc.constantFrom('orders', 'pay'),
    key: fc.option(fc.string({ maxLength: 6 }), { nil: null }),
    value: fc.string({ maxLength: 20 }),
  }),
  fc.record({
    type: fc.constant('producer.sendMany' as const),
    producer: fc.constantFrom('p1', 'p2'),
    topic: fc.constantFrom('orders', 'pay'),
    key: fc.constant('k'),
    value: fc.constant('v'),
    count: fc.integer({ min: 2, max: 300 }),
  }),
  fc.record({ type: fc.constant('broker.crash' as const), broker: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ type: fc.constant('broker.restart' as const), broker: fc.integer({ min: 1, max: 3 }) }),
  fc.record({
    type: fc.constant('consumer.create' as const),
    consumer: fc.constantFrom('c1', 'c2'),
    groupId: fc.constant('g'),
  }),
  fc.record({
    type: fc.constant('consumer.subscribe' as const),
    consumer: fc.constantFrom('c1', 'c2'),
    topics: fc.constant(['orders'] as string[]),
  }),
);

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 800 }).map((run) => ({ run })) },
  { weight: 4, arbitrary: commandArb.map((command) => ({ command })) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 2000 }).map((back) => ({ back })) },
);

function play(actions: Action[]): Timeline {
  const timeline = new Timeline({ seed: 5, brokers: 3 });
  timeline.advance(2500); // a controller and unfenced brokers
  for (const action of actions) {
    if ('run' in action) timeline.advance(action.run);
    else if ('back' in action) timeline.seek(Math.max(0, timeline.nowMs() - action.back));
    else {
      try {
        timeline.dispatch(action.command); // may be refused (limits, unknown topic): nothing changes
      } catch {
        // refused
      }
    }
  }
  return timeline;
}

describe('property: export ∘ import is the identity', () => {
  it('through a file and through a link, to the same session', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(actionArb, { minLength: 1, maxLength: 14 }), async (actions) => {
        const original = play(actions);
        const exported = scenarioOf(original);
        // What export writes passes the very checks import makes.
        expect(parseScenario(structuredClone(exported)).ok).toBe(true);

        const fromFile = scenarioFromJson(scenarioToJson(exported));
        expect(fromFile).toEqual({ ok: true, scenario: exported });
        const fromLink = await decodeScenarioFromLink(await encodeScenarioForLink(exported));
        expect(fromLink).toEqual({ ok: true, scenario: exported });

        const reopened = timelineFromScenario(exported);
        expect(scenarioOf(reopened)).toEqual(exported);
        expect(reopened.sim.snapshot()).toEqual(original.sim.snapshot());
        expect(reopened.traceLength()).toBe(original.traceLength());
      }),
      { numRuns: 20 },
    );
  }, 120_000);
});

describe('what a session may hold matches what a scenario may hold', () => {
  it('a burst of 10 000 sends is one command, so the session opens again from a link', async () => {
    const timeline = new Timeline({ seed: 5, brokers: 3 });
    timeline.advance(2500);
    timeline.dispatch({ type: 'topic.create', topic: 'orders', partitions: 3, replicationFactor: 3 });
    timeline.advance(400);
    timeline.dispatch({ type: 'producer.create', producer: 'p1' });
    timeline.advance(300);
    timeline.dispatch({
      type: 'producer.sendMany',
      producer: 'p1',
      topic: 'orders',
      key: 'k',
      value: 'v',
      count: 10_000,
    });
    timeline.advance(50);
    const exported = scenarioOf(timeline);
    expect(exported.commands).toHaveLength(3);
    const link = await encodeScenarioForLink(exported);
    expect(link.length).toBeLessThan(1000);
    expect(await decodeScenarioFromLink(link)).toEqual({ ok: true, scenario: exported });
  });

  it('the timeline stops at the scenario limits: commands and virtual time', () => {
    const timeline = new Timeline({ seed: 5, brokers: 1, controllers: 1 });
    timeline.advance(3_700_000);
    expect(timeline.nowMs()).toBe(3_600_000); // an hour: what a scenario may carry
    expect(parseScenario(scenarioOf(timeline)).ok).toBe(true);
  });
});
