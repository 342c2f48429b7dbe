/**
 * What KafkaJS requires but cannot use in the Code tool's worker (vite.config.ts): `zlib` (gzip
 * compression), `crypto` (SCRAM; the partitioner uses the worker's Web Crypto), `net` and `tls`
 * (its default socket factory; the Code tool passes its own). Using any of them says so.
 */
'use strict';

function unavailable(what) {
  return () => {
    throw new Error(`${what} is not available in the Code tool (no compression, SASL or TLS here)`);
  };
}

module.exports = {
  gzip: unavailable('gzip'),
  unzip: unavailable('gzip'),
  createHash: unavailable('crypto'),
  createHmac: unavailable('crypto'),
  pbkdf2Sync: unavailable('crypto'),
  randomBytes: unavailable('crypto'),
  connect: unavailable('net'),
  isIP: () => 0,
};
