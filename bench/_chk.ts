import { performance } from 'node:perf_hooks';
import { bigScenario } from './page-time-travel.bench';
import { replaySimulation, GuaranteeChecker } from '../src/engine';
const sc = bigScenario();
const sim = replaySimulation(sc.options, sc.commands); sim.runFor(sc.endMs - sim.now());
const ev = sim.events();
console.log('events', ev.length);
const c = new GuaranteeChecker();
let t0 = performance.now(); c.feed(ev); console.log('feed ms', (performance.now() - t0).toFixed(0));
for (const [k, v] of Object.entries(c)) {
  t0 = performance.now(); const s = structuredClone(v); const d = performance.now() - t0;
  let n = ''; try { n = String(JSON.stringify(v instanceof Map ? [...v] : v)?.length); } catch {}
  console.log(k, d.toFixed(1), 'ms', n, 'chars');
}
