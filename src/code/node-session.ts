/**
 * The code worker's world in Node, for tests and the bench: unmodified KafkaJS with the Code tool's
 * Buffer (node-buffer.ts), its sockets (sim-socket.ts) and the simulation's clock
 * (virtual-clock.ts), against a session's WireBridge, the bytes path the browser uses without the
 * two postMessage hops. Node's own Buffer and timers are swapped out while it runs (`close()`
 * puts them back), so only the stand-ins KafkaJS gets in the browser are in play.
 */
import { NodeBuffer } from './node-buffer';
import { SimSockets } from './sim-socket';
import type { VirtualClock } from './virtual-clock';
import { installClock } from './worker-env';
import { Timeline } from '../worker/timeline';
import { WireBridge } from '../worker/wire-bridge';

export interface NodeCodeSession {
  timeline: Timeline;
  clock: VirtualClock;
  /** KafkaJS's `socketFactory` option. */
  socketFactory: SimSockets['factory'];
  /** Stop moving time and give Node its own Buffer and timers back. */
  close(): void;
}

/**
 * Start the world over `timeline` (ready brokers). Virtual time moves `stepMs` per real turn, as
 * the page's playback would, and every socket answer is relayed on a later turn, as the page does.
 */
export function startNodeCodeSession(timeline: Timeline, stepMs = 5): NodeCodeSession {
  const realImmediate = setImmediate;
  const RealBuffer = globalThis.Buffer;
  const saved = { setTimeout, setInterval, clearTimeout, clearInterval, setImmediate, Date };
  const perfNow = Object.getOwnPropertyDescriptor(performance, 'now');
  (globalThis as { Buffer: unknown }).Buffer = NodeBuffer;
  const { clock } = installClock(timeline.nowMs());
  const bridge = new WireBridge();
  const sockets: SimSockets = new SimSockets(
    (action) => {
      bridge.act(timeline, action);
      const out = bridge.drain(timeline);
      realImmediate(() => sockets.deliver(out));
    },
    (fn) => realImmediate(fn),
  );
  let running = true;
  const pump = () => {
    if (!running) return;
    timeline.advance(stepMs);
    sockets.deliver(bridge.drain(timeline));
    clock.advanceTo(timeline.nowMs());
    realImmediate(pump);
  };
  pump();
  return {
    timeline,
    clock,
    socketFactory: sockets.factory,
    close() {
      running = false;
      Object.assign(globalThis, saved, { Buffer: RealBuffer });
      if (perfNow) Object.defineProperty(performance, 'now', perfNow);
      else Reflect.deleteProperty(performance, 'now');
    },
  };
}

/** A timeline whose brokers are all registered and unfenced. */
export function readyTimeline(seed: number, brokers = 3): Timeline {
  const timeline = new Timeline({ seed, brokers });
  for (let i = 0; i < 600 && !timeline.sim.snapshot().brokers.every((b) => b.state === 'unfenced'); i++)
    timeline.advance(100);
  return timeline;
}
