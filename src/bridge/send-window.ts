/**
 * Which sends are "the newest", the one definition both sides apply: the worker when it gathers a
 * jumping batch's send history (worker/send-history.ts) and the produce view when it forgets old
 * lives while playing (ui/produce/send-tracker.ts). So a seek and a play to the same point hold the
 * same lives.
 */

/** Sends the produce view keeps (it shows the newest few). */
export const SENDS_KEPT = 200;
/** A send is kept while its acceptance is among the last this many events of the trace. */
export const SEND_WINDOW_EVENTS = 20_000;
