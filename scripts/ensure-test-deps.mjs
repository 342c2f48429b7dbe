#!/usr/bin/env node
/**
 * `npm test` runs this first. The end-to-end tests need Debian's Chromium and the DejaVu and
 * Liberation fonts (screenshots are pixel-stable only with them); the gateway tests need kcat.
 * Whatever is missing is installed through apt when we are root on Debian (a fresh CI machine);
 * anywhere else this stops at once and prints the exact command to run.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const needs = [
  { pkg: 'chromium', file: chromium },
  { pkg: 'fonts-dejavu-core', file: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf' },
  { pkg: 'fonts-dejavu-core', file: '/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf' },
  { pkg: 'fonts-liberation', file: '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf' },
  { pkg: 'kcat', file: '/usr/bin/kcat' },
];

// apt installs Chromium at /usr/bin/chromium only: a CHROMIUM_PATH elsewhere that does not exist is
// a mistake apt cannot fix, so say so rather than install a browser the tests would not use.
if (process.env.CHROMIUM_PATH && chromium !== '/usr/bin/chromium' && !existsSync(chromium)) {
  console.error(
    `CHROMIUM_PATH is ${chromium}, which does not exist. Point it at a Chromium binary, or unset it.`,
  );
  process.exit(1);
}

const missing = [...new Set(needs.filter((n) => !existsSync(n.file)).map((n) => n.pkg))];
if (missing.length === 0) process.exit(0);

const command = `apt-get install -y ${missing.join(' ')}`;
const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

if (!hasApt || !isRoot) {
  console.error(`npm test needs ${missing.join(', ')}, which this machine does not have.`);
  if (hasApt)
    console.error(`Install them, then run npm test again:\n\n  sudo apt-get update && sudo ${command}\n`);
  else
    console.error(
      'On Debian or Ubuntu: apt-get install -y chromium fonts-dejavu-core fonts-liberation kcat. ' +
        'Elsewhere, install Chromium, the DejaVu and Liberation fonts and kcat, and set CHROMIUM_PATH ' +
        'to the Chromium binary.',
    );
  process.exit(1);
}

console.log(`Installing what the tests need: ${missing.join(', ')}`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
try {
  execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', ...missing], { stdio: 'inherit', env });
} catch {
  console.error(
    `Installing failed. Run it yourself, then npm test again:\n\n  apt-get update && ${command}\n`,
  );
  process.exit(1);
}

// A package that installed without the file the tests read (another distribution's layout) must
// not pass silently: the tests would fail later with a less clear message.
const still = needs.filter((n) => !existsSync(n.file));
if (still.length > 0) {
  console.error(
    `After installing, still missing: ${still.map((n) => `${n.file} (${n.pkg})`).join(', ')}. ` +
      'Install them by hand (CHROMIUM_PATH may name another Chromium binary).',
  );
  process.exit(1);
}
