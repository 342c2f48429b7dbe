/** Node's `assert` for KafkaJS in the Code tool's worker (vite.config.ts): the call form only. */
'use strict';

function assert(value, message) {
  if (!value) throw new Error(message === undefined ? 'Assertion failed' : String(message));
}

assert.ok = assert;
module.exports = assert;
