/** Kafka's wire protocol in front of the simulation (docs/wire.md). */
export { APIS, apiByKey, apiByName, type ApiSpec } from './apis';
export { Reader, Writer, WireError, encodeUtf8, decodeUtf8 } from './bytes';
export { crc32c } from './crc32c';
export { errorCodeOf, errorNameOf } from './error-codes';
export {
  FrameSplitter,
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  apiVersionsBody,
  type RequestHeader,
} from './frame';
export { decodeBatches, encodeBatches, type WireBatch, type WireRecord } from './record-batch';
export { WireHost, type ConnectionSink, type WireLogEntry, type WireSim } from './wire-host';
export type { Listeners } from './adapter';
