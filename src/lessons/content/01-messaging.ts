/**
 * Lesson 1 — Messaging: a channel (here a message queue) sits between a service that produces work
 * and the services that do it, so neither waits for the other. A streaming worker handles each
 * message as it arrives; a batch job wakes on a schedule, takes everything that piled up, and
 * handles it together.
 */
import type { Lesson } from '../lesson-types';
import { eventsOf, list, plural } from '../facts';
import { queueConsumers, queueLine, queueOf, seconds, serviceOf } from './queue-helpers';

const QUEUE = 'orders';
const WORKER = 'worker:billing';
const JOB = 'batch:invoicing';
const BATCH_EVERY_MS = 5000;

export const messagingLesson: Lesson = {
  id: '01-messaging',
  number: 1,
  title: 'Messaging',
  summary:
    'A channel decouples services. Streaming handles each message as it arrives; batching collects them for a scheduled run.',
  seed: 1,
  options: { brokers: 1, controllers: 1, network: { latencyMsMin: 40, latencyMsMax: 70 } },
  setup: [
    { type: 'queue.create', queue: QUEUE, visibilityTimeoutMs: 3000 },
    { type: 'sender.create', sender: 'shop', queue: QUEUE, everyMs: 1000, bodyPrefix: 'order-' },
  ],
  setupDone: (s) => queueOf(s, QUEUE) !== undefined,
  speed: 0.5,
  tools: ['faults', 'inspect'],
  steps: [
    {
      id: 'channel',
      kind: 'narrative',
      title: 'A channel between two services',
      body: [
        'A web **shop** takes an order every second, and every order must be billed. If the shop called billing directly, a slow or crashed billing service would stall the shop.',
        'Instead the shop puts each order on a **queue** (`queue-1`, the purple band) and goes back to selling. The queue is the **channel**: it keeps messages until a consumer takes them.',
        'Each envelope in flight is a real `SendMessage` request. (The Kafka broker below idles in this lesson.)',
      ],
      status: (s) => queueLine(s, QUEUE),
    },
    {
      id: 'pile-up',
      kind: 'wait',
      title: 'Nobody is listening yet',
      body: [
        'No service reads the queue yet, and the shop does not care: it keeps sending. The orders wait in the queue, oldest first.',
      ],
      fact: {
        waitingFor: 'Waiting for three orders to pile up in the queue…',
        state: ({ snapshot }) => (queueOf(snapshot, QUEUE)?.ready ?? 0) >= 3,
      },
      status: (s) => queueLine(s, QUEUE),
    },
    {
      id: 'predict-streaming',
      kind: 'predict',
      title: 'Streaming: one message as it arrives',
      body: [
        'Now we start a **streaming worker**, `billing`. It asks the queue for one message at a time and holds the request open until one is there (long polling). Handling an order takes it 400 ms.',
      ],
      question: 'What happens to the orders that are already waiting?',
      choices: [
        { id: 'all-at-once', label: 'billing takes them all in one go' },
        { id: 'one-by-one', label: 'billing works through them one at a time, then keeps up with new ones' },
        { id: 'only-new', label: 'billing only sees orders sent after it started' },
      ],
      run: () => [{ type: 'worker.create', worker: 'billing', queue: QUEUE, processingMs: 400 }],
      until: {
        waitingFor: 'Waiting for billing to work through the backlog…',
        // The snapshot must already count the handled orders: a batch's events come before its
        // snapshot, and the reveal reads the queue from the snapshot.
        state: ({ stepEvents, entry, snapshot }) => {
          const handled = eventsOf(stepEvents, 'worker.handled').length;
          return (
            handled >= Math.max(3, queueOf(entry, QUEUE)?.ready ?? 3) &&
            (serviceOf(snapshot, WORKER)?.count ?? 0) >= handled
          );
        },
      },
      reveal: ({ stepEvents, snapshot }) => {
        const handled = eventsOf(stepEvents, 'worker.handled');
        const first = handled[0];
        const last = handled.at(-1);
        // The queue as it is now: the shop kept selling while billing worked (learners read
        // "backlog gone" beside 8 waiting orders).
        const waiting = queueOf(snapshot, QUEUE)?.ready ?? 0;
        return {
          text:
            `billing took ${list(handled.map((e) => e.body))} one at a time: it received one (in flight), handled it for 400 ms, acked it, and asked again. ` +
            (first && last
              ? waiting === 0
                ? `The backlog was gone ${seconds(last.atMs - first.atMs + 400)} after it started. From now on each new order is handled as soon as it arrives. `
                : `In ${seconds(last.atMs - first.atMs + 400)} it handled ${plural(handled.length, 'order')}; ${plural(waiting, 'order')} still ${waiting === 1 ? 'waits' : 'wait'}, since the shop kept selling meanwhile. Handling one in 400 ms while the shop sends one a second, billing catches up. `
              : '') +
            'One message at a time, as soon as it can: that is streaming.',
          correct: 'one-by-one',
        };
      },
      status: (s) => queueLine(s, QUEUE),
    },
    {
      id: 'streaming',
      kind: 'wait',
      title: 'Keeping up',
      body: [
        'Each new order now spends most of its life being handled, not waiting. The yellow dashed box in the queue is a message **in flight**: billing has it and no one else can see it until billing acks it.',
      ],
      fact: {
        waitingFor: 'Waiting for billing to handle two new orders…',
        state: ({ stepEvents }) => eventsOf(stepEvents, 'worker.handled').length >= 2,
      },
      status: (s) => `${queueLine(s, QUEUE)} billing has handled ${serviceOf(s, WORKER)?.count ?? 0}.`,
    },
    {
      id: 'predict-batch',
      kind: 'predict',
      title: 'Batching: collect, then handle together',
      body: [
        'Some work is cheaper in bulk: printing one invoice run a day, loading a warehouse file every hour. A **batch job** is a short-lived consumer started on a schedule: it wakes up, drains the queue, handles everything it got together, acks it all, and exits until the next run.',
        `We crash the streaming worker and schedule a batch job, \`invoicing\`, every ${BATCH_EVERY_MS / 1000} s.`,
      ],
      question: 'When the batch job runs, what does it handle?',
      choices: [
        { id: 'newest', label: 'Only the newest order' },
        { id: 'all', label: 'Every order that arrived since the worker stopped, as one batch' },
        { id: 'none', label: 'Nothing: the worker already took them' },
      ],
      run: () => [
        { type: 'node.crash', node: WORKER },
        {
          type: 'batchJob.create',
          job: 'invoicing',
          queue: QUEUE,
          everyMs: BATCH_EVERY_MS,
          processingMs: 300,
        },
      ],
      until: { waitingFor: 'Waiting for the batch job’s first run…', event: 'batch.handled' },
      reveal: ({ stepEvents, history, snapshot }) => {
        const batch = eventsOf(stepEvents, 'batch.handled').at(-1);
        const bodies = new Map(eventsOf(history, 'queue.messageSent').map((e) => [e.messageId, e.body]));
        const returned = eventsOf(stepEvents, 'queue.visibilityExpired')
          .filter((e) => e.consumer === WORKER)
          .map((e) => bodies.get(e.messageId) ?? e.messageId);
        const next = serviceOf(snapshot, JOB)?.nextRunAtMs;
        if (!batch) return { text: 'The batch job has not run yet.', correct: 'all' };
        return {
          text:
            `At ${seconds(eventsOf(stepEvents, 'batch.started').at(-1)?.atMs ?? batch.atMs)} invoicing started, drained the queue and handled ${plural(batch.bodies.length, 'order')} together (${batch.bodies[0]} … ${batch.bodies.at(-1)}), acked them all in one DeleteMessage, and exited. ` +
            (returned.length > 0
              ? `${list(returned)} ${returned.length === 1 ? 'was' : 'were'} handed to billing but never acked, since billing had stopped; after the 3 s visibility timeout ${returned.length === 1 ? 'it' : 'they'} went back in the queue and the batch got ${returned.length === 1 ? 'it' : 'them'}. `
              : '') +
            `Between runs the job is not running at all (its box is dashed)${next ? `; the next run is at ${seconds(next)}` : ''}. Each order now waits up to ${BATCH_EVERY_MS / 1000} s: batching trades delay for doing work in bulk.`,
          correct: 'all',
        };
      },
      status: (s) => queueLine(s, QUEUE),
    },
    {
      id: 'challenge-decouple',
      kind: 'challenge',
      title: 'Prove the decoupling',
      body: [
        'The shop never talks to billing or invoicing: it only talks to the queue. Prove it.',
        'Open the **Faults** tab and crash every service that consumes orders. Keep the shop and the queue running. Then press Check.',
      ],
      goal: 'With no consumer of orders running, have at least 3 orders waiting safely in the queue.',
      tools: ['faults', 'inspect'],
      check: ({ snapshot: s }) => {
        const q = queueOf(s, QUEUE);
        const queueNode = s.nodes.find((n) => n.kind === 'queue');
        if (!q || !queueNode?.alive)
          return {
            ok: false,
            hint: 'The queue itself is down, so the shop has nowhere to put orders. Restart queue-1.',
          };
        if (!serviceOf(s, 'sender:shop')?.alive)
          return {
            ok: false,
            hint: 'The shop is down, so no orders come in at all. Restart sender:shop and crash the consumers instead.',
          };
        const running = queueConsumers(s, QUEUE).filter((c) => c.alive);
        if (running.length > 0)
          return {
            ok: false,
            hint: `${list(running.map((c) => c.node))} still ${running.length === 1 ? 'consumes' : 'consume'} orders (a sleeping batch job wakes on its schedule). Crash ${running.length === 1 ? 'it' : 'them'} in the Faults tab.`,
          };
        if (q.ready < 3)
          return {
            ok: false,
            hint: `Only ${plural(q.ready, 'order')} ${q.ready === 1 ? 'is' : 'are'} waiting so far. The shop sends one a second: check again in a moment.`,
          };
        return {
          ok: true,
          message: `No consumer is running, yet the shop keeps selling: ${plural(q.ready, 'order')} wait in the queue. Neither side needs the other to be up — that is what a channel buys you.`,
        };
      },
      status: (s) => queueLine(s, QUEUE),
    },
    {
      id: 'catch-up',
      kind: 'narrative',
      title: 'Catching up',
      body: [
        'Restart the consumers: nothing was lost while they were away. Both ask the queue for the waiting orders — the streaming worker as soon as it is back, the batch job at its next run — and the queue gives each message to only one of them. Which one gets the backlog depends on who asks first: the counts below say who did.',
        'Next: what the queue does with a message once it has been consumed — and what a log does instead.',
      ],
      actions: [
        {
          id: 'restart',
          label: 'Restart the crashed services',
          commands: (s) =>
            (s.services ?? [])
              .filter((c) => !c.alive)
              .map((c) => ({ type: 'node.restart' as const, node: c.node })),
        },
      ],
      status: (s) =>
        `${queueLine(s, QUEUE)} Handled so far: billing ${serviceOf(s, WORKER)?.count ?? 0}, invoicing ${serviceOf(s, JOB)?.count ?? 0}.`,
    },
  ],
};
