/**
 * Helpers for the session specs: scenarios built by the real engine in Node (so their command logs
 * are exact), links made by the app's own codec, a fingerprint of what the page shows, and a look
 * into the page's IndexedDB.
 */
import { expect, type Page } from '@playwright/test';
import { createSimulation, type Command, type SimulationOptions } from '../../src/engine';
import { scenarioAtEnd, type Scenario } from '../../src/bridge/scenario';
import { encodeScenarioForLink } from '../../src/bridge/scenario-codec';

/** Run `script` against a simulation and return the session as a scenario, positioned at `atMs`. */
export function buildScenario(
  options: SimulationOptions,
  script: (act: { run(ms: number): void; send(command: Command): void }) => void,
  atMs?: number,
): Scenario {
  const sim = createSimulation(options);
  script({ run: (ms) => void sim.runFor(ms), send: (command) => void sim.dispatch(command) });
  return scenarioAtEnd(options, sim, atMs);
}

/** A topic, a producer and a steady stream of sends, then a broker crash: a busy little cluster. */
export function busyScenario(sends = 300, atMs?: number): Scenario {
  return buildScenario(
    { seed: 21, brokers: 3 },
    ({ run, send }) => {
      run(3000);
      send({ type: 'topic.create', topic: 'orders', partitions: 3, replicationFactor: 3 });
      run(400);
      send({ type: 'producer.create', producer: 'p1' });
      run(300);
      for (let i = 0; i < sends; i++) {
        send({
          type: 'producer.send',
          producer: 'p1',
          topic: 'orders',
          key: `customer-${i % 11}`,
          value: `order-${i}`,
        });
        if (i % 5 === 4) run(10);
      }
      send({ type: 'broker.crash', broker: 2 });
      run(1500);
    },
    atMs,
  );
}

export async function linkTo(scenario: Scenario): Promise<string> {
  return `/#scenario=${await encodeScenarioForLink(scenario)}`;
}

export async function ready(page: Page): Promise<void> {
  await expect(page.getByTestId('engine-status')).toHaveText('Engine ready');
}

export async function saved(page: Page): Promise<void> {
  await expect(page.getByTestId('save-status')).toHaveText('Saved in this browser');
}

/**
 * What the page shows of the session, as data: the clock, the event count, every node and every
 * replica (role, log end, high watermark). Two equal views mean the same snapshot and trace length.
 */
export async function viewOf(page: Page) {
  const attrs = (selector: string, names: string[]) =>
    page
      .locator(selector)
      .evaluateAll((els, names) => els.map((el) => names.map((n) => el.getAttribute(n)).join(' ')), names);
  return {
    clockMs: await page.getByTestId('virtual-clock').getAttribute('data-ms'),
    events: await page.getByTestId('event-count').textContent(),
    end: await page.getByTestId('timeline-end').textContent(),
    nodes: await attrs('[data-testid="node"]', ['data-node', 'data-alive', 'data-state', 'data-role']),
    replicas: await attrs('[data-testid="replica"]', ['data-replica', 'data-role', 'data-leo', 'data-hw']),
  };
}

export interface StoredInPage {
  id: string;
  session: {
    commandCount: number;
    position?: { actions: number; nowMs: number; commands: number };
    endMs?: number;
  };
  commands: { index: number; entry: { atMs: number; processed: number; command: Command } }[];
  segments: {
    log: string;
    baseOffset: number;
    endOffset: number;
    batches: { records: { value: string | null }[] }[];
  }[];
}

/** This tab's stored session, read straight from IndexedDB in the page. */
export async function storedSession(page: Page): Promise<StoredInPage> {
  return page.evaluate(async () => {
    const id = (JSON.parse(sessionStorage.getItem('streamlab.session') ?? '{}') as { id: string }).id;
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('streamlab');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const all = <T>(store: string, range: IDBKeyRange | string) =>
      new Promise<T>((resolve, reject) => {
        const request = db.transaction(store).objectStore(store).getAll(range);
        request.onsuccess = () => resolve(request.result as T);
        request.onerror = () => reject(request.error);
      });
    const mine = IDBKeyRange.bound([id], [id, []]);
    const [session] = await all<StoredInPage['session'][]>('sessions', id);
    const result = {
      id,
      session: session!,
      commands: await all<StoredInPage['commands']>('commands', mine),
      segments: await all<StoredInPage['segments']>('segments', mine),
    };
    db.close();
    return result;
  });
}
