/**
 * `npm run gateway [-- --brokers 3 --port 9092 --seed 1]`: a simulated cluster real Kafka clients
 * can reach on 127.0.0.1. Try `kcat -b 127.0.0.1:9092 -L`. Ctrl-C stops it.
 */
import { startGateway } from './gateway';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v < 0) {
    console.error(`--${name} needs a whole number`);
    process.exit(2);
  }
  return v;
}

const brokers = arg('brokers', 3);
const basePort = arg('port', 9092);
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
console.log(`StreamLab gateway: ${brokers} simulated brokers on 127.0.0.1 ports ${gw.ports.join(', ')}`);
console.log(`  kcat -b ${gw.bootstrap} -L`);
const stop = () => {
  void gw.stop().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
