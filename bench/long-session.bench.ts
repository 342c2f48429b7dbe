/**
 * The long-session figures (bench/long-session.ts, in its own Node process with --expose-gc so the
 * heap is measured after a full collection): the timeline's heap after one hour of virtual time of
 * a lesson-sized cluster against its heap after one minute (aim: ≤ 150 MB), and scrubbing at that
 * point against replaying the session from the start (aim: ≤ 16 ms, one frame).
 */
import { execFileSync } from 'node:child_process';
import { report } from './measure';

export function benchLongSession(): void {
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/long-session.ts'], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  const r = JSON.parse(out.trim().split('\n').at(-1)!) as {
    minuteHeapMb: number;
    heapAfterHourMb: number;
    replayHalfHourMs: number;
    scrubMedianMs: number;
    scrubP95Ms: number;
    pagedTraceMb: number;
    traceLength: number;
    keyframes: number;
  };
  report('long session heap after 1 h virtual (aim ≤ 150 MB)', r.heapAfterHourMb, r.minuteHeapMb, 'MB');
  console.log(
    `long session at 1 h: ${r.traceLength} events (old ones paged out: ${r.pagedTraceMb.toFixed(1)} MB compressed, outside the heap), ${r.keyframes} keyframes`,
  );
  report('long session scrub at 1 h (median, aim ≤ 16 ms)', r.scrubMedianMs, r.replayHalfHourMs, 'ms');
  report('long session scrub at 1 h (p95, aim ≤ 16 ms)', r.scrubP95Ms, r.replayHalfHourMs, 'ms');
}
