/**
 * `npm run gateway [-- --brokers 3 --port 9092 --http 8080 --seed 1]`: a simulated cluster real
 * Kafka clients can reach on 127.0.0.1, and the app (built with `npm run build`) served on
 * 127.0.0.1:<http> attached to it. Try `kcat -b 127.0.0.1:9092 -L`. Ctrl-C stops it.
 */
import { existsSync } from 'node:fs';
import { startGateway } from './gateway';
import { serveViewers } from './viewers';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v < 0 || v > 65535) {
    console.error(`--${name} needs a whole number`);
    process.exit(2);
  }
  return v;
}

const brokers = arg('brokers', 3);
const basePort = arg('port', 9092);
const httpPort = arg('http', 8080);
const seed = arg('seed', 1);
const quiet = process.argv.includes('--quiet');

const gw = await startGateway({
  brokers,
  basePort,
  seed,
  onRequest: quiet
    ? undefined
    : (e) => console.log(`${e.client ?? '?'} → broker ${e.broker}: ${e.api} v${e.version} (${e.route})`),
});
const viewers = await serveViewers(gw, { port: httpPort });
console.log(`StreamLab gateway: ${brokers} simulated brokers on 127.0.0.1 ports ${gw.ports.join(', ')}`);
console.log(`  kcat -b ${gw.bootstrap} -L`);
console.log(`  watch it: ${viewers.url}`);
if (!existsSync('dist/index.html')) console.log('  (run `npm run build` first: dist/ is missing)');
const stop = () => {
  void viewers
    .stop()
    .then(() => gw.stop())
    .then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
