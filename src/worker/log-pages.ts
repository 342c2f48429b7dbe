/**
 * Pages of a replica's log for the inspector. `Simulation.readLog` copies the whole log, which
 * costs ~150 ms at 100 000 records; the copy is kept until the trace grows (the log may have
 * changed), so scrolling through a paused log reads it once, not once per page.
 */
import type { LogRecord } from '../engine';
import type { Simulation } from '../engine';

export class LogPages {
  private cached: { sim: Simulation; key: string; records: LogRecord[] } | undefined;

  page(
    sim: Simulation,
    traceLength: number,
    at: { broker: number; topic: string; partition: number; from: number; count: number },
  ): { total: number; records: LogRecord[] } {
    const key = `${at.broker}/${at.topic}/${at.partition}@${traceLength}`;
    if (this.cached?.key !== key || this.cached.sim !== sim) {
      this.cached = { sim, key, records: sim.readLog(at.broker, at.topic, at.partition) };
    }
    const all = this.cached.records;
    const from = Math.max(0, Math.floor(at.from));
    return { total: all.length, records: all.slice(from, from + Math.max(0, Math.floor(at.count))) };
  }
}
