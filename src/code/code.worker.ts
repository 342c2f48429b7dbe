/**
 * The Code tool's worker: runs the learner's code with the unmodified `kafkajs` package, whose
 * sockets (sim-socket.ts) reach the simulated brokers through the page and the engine worker, and
 * whose clock is the simulation's (worker-env.ts). It has no DOM and, once set up, no way to the
 * app's storage; the page terminates it on Stop.
 */
/// <reference lib="webworker" />
import type { FromCodeWorker, ToCodeWorker } from './code-protocol';
import { SimSockets } from './sim-socket';
import { consoleText, installClock, installConsole, installNodeGlobals, lockDown } from './worker-env';
import type { VirtualClock } from './virtual-clock';

const post = (message: FromCodeWorker) => self.postMessage(message);
let clock: VirtualClock | undefined;
let sockets: SimSockets | undefined;

/** `import { Kafka } from 'kafkajs'` lines become `require` calls (the code runs as a function body). */
export function toFunctionBody(code: string): string {
  return code.replace(
    /^\s*import\s+(\{[^}]*\})\s+from\s+['"]kafkajs['"];?/gm,
    (_m, names: string) => `const ${names.replace(/\s+as\s+/g, ': ')} = require('kafkajs');`,
  );
}

async function start(code: string, nowMs: number): Promise<void> {
  const timers = installClock(nowMs);
  clock = timers.clock;
  installNodeGlobals(clock);
  installConsole((level, text) => post({ type: 'console', level, text }));
  const wireSockets = new SimSockets((action) => post({ type: 'wire', action }), timers.soon);
  sockets = wireSockets;
  // KafkaJS loads only now, after the globals it reads exist.
  const kafkajs = (await import('kafkajs')) as unknown as Record<string, unknown> & { default?: unknown };
  const lib = (kafkajs.default ?? kafkajs) as Record<string, unknown>;
  const RealKafka = lib.Kafka as new (config: Record<string, unknown>) => object;
  // Every client gets the simulated sockets (a socketFactory of the learner's own is replaced).
  class Kafka extends RealKafka {
    constructor(config: Record<string, unknown>) {
      super({ ...config, socketFactory: wireSockets.factory });
    }
  }
  const module = { ...lib, Kafka };
  const require = (name: string) => {
    if (name === 'kafkajs') return module;
    throw new Error(`Cannot find module '${name}': only 'kafkajs' is available in the Code tool`);
  };
  lockDown();
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
    ...args: string[]
  ) => (...args: unknown[]) => Promise<unknown>;
  const run = new AsyncFunction('require', toFunctionBody(code));
  try {
    await run(require);
    post({ type: 'finished' });
  } catch (e) {
    post({ type: 'finished', error: consoleText([e]) });
  }
}

self.addEventListener('message', (event: MessageEvent<ToCodeWorker>) => {
  const message = event.data;
  if (message.type === 'start') void start(message.code, message.nowMs);
  else if (message.type === 'tick') {
    sockets?.deliver(message.out);
    clock?.advanceTo(message.nowMs);
  }
});

self.addEventListener('unhandledrejection', (event: PromiseRejectionEvent) => {
  post({ type: 'console', level: 'error', text: `Unhandled rejection: ${consoleText([event.reason])}` });
  event.preventDefault();
});
self.addEventListener('error', (event: ErrorEvent) => {
  post({ type: 'console', level: 'error', text: consoleText([event.error ?? event.message]) });
  event.preventDefault();
});
