/**
 * Node's `util` for KafkaJS in the Code tool's worker (vite.config.ts): `format` (its lock's
 * messages) and `promisify` (its gzip codec, which is not available here: see unsupported.cjs).
 */
'use strict';

function show(value) {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

function format(first, ...args) {
  if (typeof first !== 'string') return [first, ...args].map(show).join(' ');
  let i = 0;
  const text = first.replace(/%[sdifjoO%]/g, (m) => {
    if (m === '%%') return '%';
    if (i >= args.length) return m;
    const v = args[i++];
    if (m === '%d' || m === '%i') return String(Number.parseInt(String(v), 10));
    if (m === '%f') return String(Number(v));
    if (m === '%s') return typeof v === 'string' ? v : show(v);
    return show(v);
  });
  return [text, ...args.slice(i).map(show)].join(' ');
}

function promisify(fn) {
  return (...args) =>
    new Promise((resolve, reject) => {
      if (typeof fn !== 'function') return reject(new Error('not available in the Code tool'));
      fn(...args, (err, value) => (err ? reject(err) : resolve(value)));
    });
}

function inherits(ctor, superCtor) {
  Object.setPrototypeOf(ctor.prototype, superCtor.prototype);
}

module.exports = { format, promisify, inherits };
