/**
 * The app served by `npm run gateway`, attached to the gateway's engine: it shows the cluster that
 * real clients (KafkaJS here, in the test's Node process) talk to over TCP, and their records. The
 * gateway is started by the test (its own ports, derived from PW_PORT) and serves dist/ as built.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { Kafka, logLevel } from 'kafkajs';

const PW_PORT = Number(process.env.PW_PORT ?? 4173);
const KAFKA_PORT = 15_000 + PW_PORT; // brokers on KAFKA_PORT, +1, +2
const HTTP_PORT = 16_000 + PW_PORT;

let gateway: ChildProcess | undefined;
let url = '';

test.beforeAll(async () => {
  test.setTimeout(60_000);
  gateway = spawn(
    'node_modules/.bin/tsx',
    ['gateway/main.ts', '--port', String(KAFKA_PORT), '--http', String(HTTP_PORT), '--seed', '3', '--quiet'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  url = await new Promise<string>((resolve, reject) => {
    let out = '';
    gateway!.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const found = /watch it: (\S+)/.exec(out);
      if (found) resolve(found[1]!);
    });
    gateway!.once('exit', (code) => reject(new Error(`the gateway exited (${code}): ${out}`)));
  });
});

test.afterAll(() => {
  gateway?.kill('SIGTERM');
});

const kafka = () =>
  new Kafka({
    clientId: 'e2e-app',
    brokers: [`127.0.0.1:${KAFKA_PORT}`],
    logLevel: logLevel.NOTHING,
  });

test('the app attached to the gateway shows its brokers and a record KafkaJS produced', async ({ page }) => {
  // Well under 20 s on an idle machine; the margin is for a loaded one.
  test.setTimeout(120_000);
  const admin = kafka().admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'from-kafkajs', numPartitions: 1, replicationFactor: 3 }] });
  await admin.disconnect();
  const producer = kafka().producer();
  await producer.connect();
  try {
    await producer.send({
      topic: 'from-kafkajs',
      acks: -1,
      messages: [{ key: 'k1', value: 'hello-gateway' }],
    });

    await page.goto(url);
    await expect(page.getByTestId('engine-status')).toHaveText('Engine ready', { timeout: 30_000 });
    await expect(page.getByTestId('gateway-live')).toContainText('wall-clock speed');
    for (const id of [1, 2, 3])
      await expect(page.locator(`[data-node="broker-${id}"]`).first()).toBeVisible();
    await page.screenshot({ path: '/tmp/gateway-shots/attached-1280.png' });

    // The clock runs without anyone pressing Play: the gateway's batches keep arriving.
    const clock = () => page.getByTestId('virtual-clock').getAttribute('data-ms').then(Number);
    const before = await clock();
    await expect.poll(clock, { timeout: 15_000 }).toBeGreaterThan(before + 500);
    // Produced while the page watches: the leader's log end moves without anyone pressing Play.
    await producer.send({ topic: 'from-kafkajs', acks: -1, messages: [{ key: 'k2', value: 'live-record' }] });
    const leader = page.locator('[data-replica^="from-kafkajs-0@"][data-role="leader"]');
    await expect(leader).toHaveAttribute('data-leo', '2', { timeout: 15_000 });
    await leader.click();
    await expect(page.getByTestId('replica-inspector')).toBeVisible();
    await expect(page.getByTestId('record').first()).toContainText('hello-gateway');
    await expect(page.getByTestId('record').nth(1)).toContainText('live-record');
    await page.screenshot({ path: '/tmp/gateway-shots/records-1280.png' });
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.screenshot({ path: '/tmp/gateway-shots/records-1024.png' });
  } finally {
    await producer.disconnect();
  }
});
