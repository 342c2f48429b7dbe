/** Test helpers: a settled cluster, and running a line (finishing or streaming) against it. */
import { createSimulation, type Simulation } from '../../engine';
import { execute, targetOf } from '../execute';
import { isHandle, type CliHandle, type CliResult } from '../types';

export function cluster(brokers = 3, seed = 7): Simulation {
  const sim = createSimulation({ seed, brokers });
  sim.runUntil((s) => s.snapshot().brokers.every((b) => b.state === 'unfenced'), 20000);
  return sim;
}

/** Run a command that must finish at once. */
export function run(sim: Simulation, line: string): CliResult {
  const out = execute(sim, line);
  if (isHandle(out)) throw new Error(`${line} did not finish at once`);
  return out;
}

/** Start a long-running command. */
export function start(sim: Simulation, line: string): CliHandle {
  const out = execute(sim, line);
  if (!isHandle(out)) throw new Error(`${line} finished at once: ${out.stderr}${out.stdout}`);
  return out;
}

/** Advance virtual time in small steps, collecting what the handle prints, until it exits or `ms` pass. */
export function pump(sim: Simulation, h: CliHandle, ms: number, stepMs = 50): CliResult {
  const target = targetOf(sim);
  let stdout = '';
  let stderr = '';
  for (let t = 0; t < ms; t += stepMs) {
    sim.runFor(stepMs);
    const c = h.poll(target);
    stdout += c.stdout;
    stderr += c.stderr;
    if (c.exitCode !== undefined) return { stdout, stderr, exitCode: c.exitCode };
  }
  return { stdout, stderr, exitCode: -1 };
}

/** Type lines into a running producer and let them be acknowledged. */
export function produce(sim: Simulation, topic: string, lines: string[], props = ''): void {
  const h = start(
    sim,
    `kafka-console-producer.sh --bootstrap-server broker-1:9092 --topic ${topic} ${props}`,
  );
  const target = targetOf(sim);
  for (const l of lines) {
    const c = h.input(target, l);
    if (c.stderr) throw new Error(c.stderr);
  }
  sim.runFor(3000);
  h.endOfInput(target);
}
