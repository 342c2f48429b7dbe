import { describe, expect, it } from 'vitest';
import type { RunResult, StopCondition } from '../../bridge/protocol';
import {
  MAX_FRAME_WALL_MS,
  Playback,
  STEP_LIMIT_MS,
  stopConditionFor,
  type FrameClock,
  type PlaybackPort,
} from './playback.svelte';

/** A worker connection that records what playback asked of it. */
function fakePort(answer: RunResult | 'cancelled' = 'matched') {
  const calls: string[] = [];
  const port = {
    nowMs: 1000,
    ready: true as boolean,
    notice: undefined as string | undefined,
    advanced: [] as number[],
    conditions: [] as StopCondition[],
    advance: (ms: number) => port.advanced.push(ms),
    run: (condition: StopCondition) => {
      port.conditions.push(condition);
      return Promise.resolve(answer);
    },
    seek: (atMs: number) => calls.push(`seek ${atMs}`),
    stepBack: () => calls.push('stepBack'),
    restoreFuture: () => calls.push('restoreFuture'),
    cancelRun: () => calls.push('cancelRun'),
    notify: (notice: string | undefined) => {
      port.notice = notice;
    },
  } satisfies PlaybackPort & Record<string, unknown>;
  return { port, calls };
}

/** Frames by hand: `frame(at)` runs the pending callback at wall time `at`. */
function fakeFrames() {
  let pending: ((at: number) => void) | undefined;
  let handles = 0;
  const clock: FrameClock = {
    request: (callback) => {
      pending = callback;
      return ++handles;
    },
    cancel: () => {
      pending = undefined;
    },
  };
  return {
    clock,
    frame(at: number) {
      const callback = pending;
      pending = undefined;
      callback?.(at);
    },
    get waiting() {
      return pending !== undefined;
    },
  };
}

describe('Playback', () => {
  it('asks for wall time × speed each frame, carrying fractions and capping a stalled frame', () => {
    const { port } = fakePort();
    const frames = fakeFrames();
    const playback = new Playback(port, { playing: true, frames: frames.clock });
    playback.setSpeed(0.1);
    playback.start();
    frames.frame(0); // the first frame only sets the clock
    frames.frame(16); // 1.6 ms: 1 now, 0.6 carried
    frames.frame(32); // 0.6 + 1.6 = 2.2: 2 now
    frames.frame(32 + 10_000); // a stalled tab counts as MAX_FRAME_WALL_MS
    expect(port.advanced).toEqual([1, 2, Math.floor(0.2 + MAX_FRAME_WALL_MS * 0.1)]);
  });

  it('applies the pacer’s rate on top of the speed', () => {
    const { port } = fakePort();
    const frames = fakeFrames();
    const playback = new Playback(port, { playing: true, frames: frames.clock });
    playback.setSpeed(1);
    playback.rate = (_now, speed) => speed / 10;
    playback.start();
    frames.frame(0);
    frames.frame(50);
    expect(port.advanced).toEqual([5]);
  });

  it('does not run before the worker is ready, nor after a pause', () => {
    const { port } = fakePort();
    port.ready = false;
    const frames = fakeFrames();
    const playback = new Playback(port, { playing: true, frames: frames.clock });
    playback.start();
    expect(frames.waiting).toBe(false);
    port.ready = true;
    playback.start();
    frames.frame(0);
    playback.pause();
    expect(frames.waiting).toBe(false);
    frames.frame(100);
    expect(port.advanced).toEqual([]);
  });

  it('a hidden tab pauses and resumes on return; a learner’s pause is kept', () => {
    const { port } = fakePort();
    const frames = fakeFrames();
    const playback = new Playback(port, { playing: true, frames: frames.clock });
    playback.hidden();
    expect(playback.playing).toBe(false);
    playback.visible();
    expect(playback.playing).toBe(true);
    playback.pause();
    playback.hidden();
    playback.visible();
    expect(playback.playing).toBe(false);
  });

  it('a move by hand pauses and cancels a step still searching', () => {
    const { port, calls } = fakePort();
    const playback = new Playback(port, { playing: true, frames: fakeFrames().clock });
    playback.seek(250);
    expect(playback.playing).toBe(false);
    playback.stepBack();
    playback.restoreFuture();
    expect(calls).toEqual(['cancelRun', 'seek 250', 'cancelRun', 'stepBack', 'cancelRun', 'restoreFuture']);
    playback.playFrom(40);
    expect(playback.playing).toBe(true);
  });

  it('a step that finds nothing within the limit puts the clock back and says so', async () => {
    const { port, calls } = fakePort('limit');
    const playback = new Playback(port, { frames: fakeFrames().clock });
    await playback.stepForward('partition.changed');
    expect(port.conditions).toEqual([{ kind: 'eventType', eventType: 'partition.changed' }]);
    expect(calls.at(-1)).toBe('seek 1000');
    expect(port.notice).toBe(
      `Nothing found: no “partition changed” in the next ${STEP_LIMIT_MS / 60_000} minutes of virtual time, so the clock stayed at 1.000 s.`,
    );
    expect(playback.stepping).toBe(false);
  });

  it('a step that finds its event clears the notice and stays where it stopped', async () => {
    const { port, calls } = fakePort('matched');
    port.notice = 'old';
    const playback = new Playback(port, { frames: fakeFrames().clock });
    await playback.stepForward('moment:leader-change');
    expect(port.conditions).toEqual([{ kind: 'moment', moment: 'leader-change' }]);
    expect(calls).toEqual(['cancelRun']);
    expect(port.notice).toBeUndefined();
  });

  it('reads “step to” targets as data: any event, an event type, or a key moment', () => {
    expect(stopConditionFor()).toEqual({ kind: 'event' });
    expect(stopConditionFor('broker.fenced')).toEqual({ kind: 'eventType', eventType: 'broker.fenced' });
    expect(stopConditionFor('moment:isr-change')).toEqual({ kind: 'moment', moment: 'isr-change' });
    expect(stopConditionFor('moment:nonsense')).toEqual({ kind: 'eventType', eventType: 'moment:nonsense' });
  });
});
