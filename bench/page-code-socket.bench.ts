/**
 * Records/s that unmodified KafkaJS produces through the browser's socket path (issue 20), as a
 * ratio to the built-in producer on the same cluster in the same page. A production build opens a
 * shared scenario (3 brokers, seed BENCH_SEED, a `bench` topic of 12 partitions, RF 3) with the
 * producer's code in the link (`&code=`); the Code tool runs it in its real code worker: KafkaJS's
 * sockets → postMessage to the page → the engine worker's WireBridge → the batch back to the page →
 * postMessage to the code worker. Unlike code-socket.bench.ts (Node), both postMessage hops, the
 * structured clones and the app applying every batch are in the figure.
 *
 * Time runs at full speed, not wall-clock paced: the bench advances the app's engine worker by
 * STEP_MS as soon as each advance is answered (page-engine-driver.ts), as the Node session does per
 * turn. The built-in producer runs in a fresh page of the same build on the same scenario, driven by
 * the same loop, its bursts sent through the same worker protocol the produce panel uses. Both
 * counts are then read back from the brokers' logs in the engine worker.
 */
import type { Browser, Page } from '@playwright/test';
import { scenarioAtEnd, type Scenario } from '../src/bridge/scenario';
import { encodeScenarioForLink } from '../src/bridge/scenario-codec';
import { encodeCodeForLink } from '../src/ui/code/code-link';
import { report } from './measure';
import { appOutDir, median, withServedApp } from './page-kit';
import { profiled } from './page-profile';
import { BENCH_SEED, benchCluster, builtInProduceRate } from './builtin-produce';
import {
  builtInBurst,
  CAPTURE_WORKERS,
  engineRequest,
  recordsInTopic,
  startDriver,
  stopDriver,
  type BenchHooks,
} from './page-engine-driver';

const PORT = Number(process.env.BENCH_PORT ?? 4183);
const PARTITIONS = 12;
const BROKERS = 3;
/** Measured records, and a warm-up before them (the JIT, the clients' metadata). */
const RECORDS = Number(process.env.BENCH_RECORDS ?? 12_000);
const WARM = RECORDS / 8;
const BATCH = 500;
/** Virtual ms per advance: the Node session's step (src/code/node-session.ts); BENCH_STEP_MS to try others. */
const STEP_MS = Number(process.env.BENCH_STEP_MS ?? 5);
const VALUE = 'x'.repeat(100);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
/** BENCH_PROFILE=1: a sampled profile of every thread during each measured part (page-profile.ts). */
const PROFILE = Boolean(process.env.BENCH_PROFILE);
const maybeProfiled = <T>(browser: Browser, page: Page, what: string, during: () => Promise<T>) => {
  if (!PROFILE) return during();
  console.log(`  profile, ${what}:`);
  return profiled(browser, page, appOutDir(PORT), during);
};
const began = Date.now();
/** Progress on stderr with BENCH_VERBOSE set (a slow machine shows where it is). */
const progress = (what: string) => {
  if (process.env.BENCH_VERBOSE)
    console.error(`[page-code-socket +${((Date.now() - began) / 1000).toFixed(1)} s] ${what}`);
};

/** The producer's code as the learner would write it; `bench:start`/`bench:done` mark the measured part. */
const PRODUCER_CODE = `import { Kafka } from 'kafkajs'
const kafka = new Kafka({ clientId: 'bench', brokers: ['broker-1:9092'] })
const producer = kafka.producer()
await producer.connect()
const send = async (from, count) => {
  for (let i = from; i < from + count; i += ${BATCH}) {
    const messages = Array.from({ length: Math.min(${BATCH}, from + count - i) }, (_, j) => ({ key: \`user-\${(i + j) % 5000}\`, value: '${VALUE}' }))
    await producer.send({ topic: 'bench', acks: -1, messages })
  }
}
await send(0, ${WARM})
console.log('bench:start')
await send(${WARM}, ${RECORDS})
console.log('bench:done')
await producer.disconnect()
`;

function scenario(): Scenario {
  return scenarioAtEnd({ seed: BENCH_SEED, brokers: BROKERS }, benchCluster(PARTITIONS));
}

/** A fresh page on the scenario (plus `hashTail`), engine ready, playback paused: only the bench moves time. */
async function openPage(browser: Browser, hashTail = ''): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.addInitScript('window.__name = (f) => f');
  await page.addInitScript("localStorage.setItem('streamlab.welcome.v1', 'seen')");
  await page.addInitScript(CAPTURE_WORKERS);
  const link = await encodeScenarioForLink(scenario());
  await page.goto(`http://127.0.0.1:${PORT}/?bench=${Date.now()}#scenario=${link}${hashTail}`);
  await page.getByTestId('engine-status').filter({ hasText: 'Engine ready' }).waitFor({ timeout: 120_000 });
  const play = page.getByTestId('play-pause');
  if ((await play.getAttribute('aria-pressed')) === 'true') await play.click();
  return page;
}

const inTopic = (page: Page) =>
  page.evaluate(recordsInTopic, { topic: 'bench', partitions: PARTITIONS, brokers: BROKERS });

interface PageRun {
  rate: number;
  /** The advances' mean round trip, wall ms (the engine's work and the hops). */
  roundTripMs: number;
  /** Requests to the engine worker over the whole run (warm-up included), by type. */
  sent: Record<string, number>;
}

/** KafkaJS in the Code tool's worker: records/s between its `bench:start` and `bench:done`. */
async function kafkaJsInPage(browser: Browser): Promise<PageRun> {
  progress('KafkaJS: opening the page');
  const page = await openPage(browser, `&code=${await encodeCodeForLink(PRODUCER_CODE)}`);
  try {
    await page.getByTestId('code-tool').waitFor();
    await page.evaluate(startDriver, STEP_MS);
    await maybeProfiled(browser, page, 'KafkaJS from Run to its last record', async () => {
      await page.getByTestId('code-run').click();
      progress('KafkaJS: Run pressed');
      const state = () =>
        page.evaluate(() => {
          const hooks = (window as unknown as { __bench: BenchHooks }).__bench;
          return { lines: hooks.code.map((l) => l.text), steps: hooks.driver?.steps ?? 0 };
        });
      for (let waited = 0; ; waited += 2000) {
        const now = await state();
        if (now.lines.some((l) => /^(bench:done|finished)/.test(l))) break;
        if (waited > 600_000) throw new Error(`KafkaJS did not finish: ${now.lines.join(' | ')}`);
        if (waited % 10_000 === 0)
          progress(`KafkaJS: ${now.steps} advances, console: ${now.lines.join(' | ')}`);
        await page.waitForTimeout(2000);
      }
    });
    const code = await page.evaluate(() => (window as unknown as { __bench: BenchHooks }).__bench.code);
    const start = code.find((l) => l.text === 'bench:start');
    const done = code.find((l) => l.text === 'bench:done');
    if (!start || !done) throw new Error(`KafkaJS did not finish: ${code.map((l) => l.text).join(' | ')}`);
    const driven = await page.evaluate(stopDriver);
    const sent = await page.evaluate(() => (window as unknown as { __bench: BenchHooks }).__bench.sent);
    const held = await inTopic(page);
    if (held !== WARM + RECORDS)
      throw new Error(`KafkaJS: the brokers hold ${held} records, not ${WARM + RECORDS}`);
    return {
      rate: (RECORDS / (done.at - start.at)) * 1000,
      roundTripMs: driven.waitMs / driven.steps,
      sent,
    };
  } finally {
    await page.close();
  }
}

/** The built-in producer in the page's engine worker, driven by the same loop. */
async function builtInInPage(browser: Browser): Promise<PageRun> {
  const page = await openPage(browser);
  try {
    const created = await page.evaluate(engineRequest, {
      type: 'dispatch',
      command: { type: 'producer.create', producer: 'load', config: { acks: 'all', 'linger.ms': 5 } },
    });
    if (created.type !== 'dispatched') throw new Error(`producer.create refused: ${JSON.stringify(created)}`);
    await page.evaluate(startDriver, STEP_MS);
    const burst = { topic: 'bench', partitions: PARTITIONS, value: VALUE };
    progress('built-in: producer made, warm-up burst');
    await page.evaluate(builtInBurst, { ...burst, count: WARM, ackedAfter: WARM });
    progress('built-in: measured burst');
    const ms = await maybeProfiled(browser, page, 'the built-in producer’s measured burst', () =>
      page.evaluate(builtInBurst, { ...burst, count: RECORDS, ackedAfter: WARM + RECORDS }),
    );
    const driven = await page.evaluate(stopDriver);
    const sent = await page.evaluate(() => (window as unknown as { __bench: BenchHooks }).__bench.sent);
    const held = await inTopic(page);
    if (held !== WARM + RECORDS)
      throw new Error(`built-in: the brokers hold ${held} records, not ${WARM + RECORDS}`);
    return { rate: (RECORDS / ms) * 1000, roundTripMs: driven.waitMs / driven.steps, sent };
  } finally {
    await page.close();
  }
}

export async function benchPageCodeSocket(): Promise<void> {
  await withServedApp(
    PORT,
    async (browser) => {
      const kafkaJs: PageRun[] = [];
      const builtIn: PageRun[] = [];
      progress('app built and served');
      for (let i = 0; i < ROUNDS; i++) {
        kafkaJs.push(await kafkaJsInPage(browser));
        progress(`KafkaJS round ${i + 1}: ${Math.round(kafkaJs.at(-1)!.rate)} records/s`);
        builtIn.push(await builtInInPage(browser));
        progress(`built-in round ${i + 1}: ${Math.round(builtIn.at(-1)!.rate)} records/s`);
      }
      const best = (runs: PageRun[]) => Math.max(...runs.map((r) => r.rate));
      report(
        'KafkaJS 2.2.4 produce in the page through the Code tool (code worker ↔ page ↔ engine worker, full speed, acks=all RF=3)',
        best(kafkaJs),
        best(builtIn),
        'records/s',
      );
      // What the page and its worker cost the built-in producer: the engine alone, in Node.
      const engineAlone = builtInProduceRate(PARTITIONS, RECORDS, () => performance.now());
      report(
        'built-in producer in the page (full-speed advances, engine worker ↔ page) against the engine alone in Node',
        best(builtIn),
        engineAlone,
        'records/s',
      );
      console.log(
        `  advance round trip: KafkaJS ${median(kafkaJs.map((r) => r.roundTripMs)).toFixed(2)} ms, built-in ${median(builtIn.map((r) => r.roundTripMs)).toFixed(2)} ms (${STEP_MS} virtual ms each)`,
      );
      const per1000 = (run: PageRun, type: string) =>
        (((run.sent[type] ?? 0) / (WARM + RECORDS)) * 1000).toFixed(1);
      console.log(
        `  requests to the engine worker per 1000 records: KafkaJS ${per1000(kafkaJs[0]!, 'wire')} socket actions and ${per1000(kafkaJs[0]!, 'advance')} advances, built-in ${per1000(builtIn[0]!, 'advance')} advances (each answered by a whole batch)`,
      );
    },
    { sourcemap: PROFILE },
  );
}
