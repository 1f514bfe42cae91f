// Entry points of the simulator: a finding (or a program input) in, a verdict with its trace out.
import type { Finding } from '../core/types';
import { explore } from './explore';
import { minimalReorder } from './fixed';
import { DEFAULT_CONFIG, type SimConfig, type SimResult } from './model';
import { buildScenario, inputFromFinding, ModelError, type ProgramInput } from './program';

export interface SimulateOptions {
  cpus?: number;
  fixed?: boolean;
  maxStates?: number;
  maxMs?: number;
  actors?: SimConfig['actors'];
  /** A fixed witness from the quick-fix engine, used instead of the minimal reorder. */
  fixedInput?: ProgramInput;
}

export const SIM_CODES = ['HP001', 'HP002', 'HP003'];

export function configOf(o: SimulateOptions): SimConfig {
  const cpus = o.cpus ?? DEFAULT_CONFIG.cpus;
  if (!Number.isInteger(cpus) || cpus < 0 || cpus > 14) throw new ModelError(`--cpus must be an integer from 0 to 14, not ${cpus}`);
  return { cpus, maxStates: o.maxStates ?? DEFAULT_CONFIG.maxStates, maxMs: o.maxMs ?? DEFAULT_CONFIG.maxMs, actors: o.actors };
}

export function simulateInput(input: ProgramInput, opts: SimulateOptions = {}): SimResult {
  const t0 = performance.now();
  try {
    const cfg = configOf(opts);
    const run = opts.fixed ? opts.fixedInput ?? minimalReorder(input) : input;
    const r = explore(buildScenario(run), cfg);
    return { ...r, fixed: !!opts.fixed };
  } catch (e) {
    if (!(e instanceof ModelError)) throw e;
    return errorResult(input.function, input.file, e.message, opts, t0);
  }
}

export function simulateFinding(f: Finding, opts: SimulateOptions = {}): SimResult {
  return simulateInput(inputFromFinding(f), opts);
}

/** The finding to simulate for a function: its first HP001, else HP002, else HP003. */
export function pickFinding(findings: readonly Finding[], fn: string): Finding | undefined {
  const mine = findings.filter((f) => f.function === fn);
  for (const c of SIM_CODES) {
    const f = mine.find((x) => x.code === c && x.witness?.length);
    if (f) return f;
  }
  return undefined;
}

export function errorResult(fn: string, file: string, reason: string, opts: SimulateOptions = {}, t0 = performance.now()): SimResult {
  return { verdict: 'error', function: fn, file, cpus: opts.cpus ?? DEFAULT_CONFIG.cpus, fixed: !!opts.fixed, statesExplored: 0, transitions: 0, ms: Math.round(performance.now() - t0), bug: null, trace: [], reason, notes: [] };
}

/** The JSON contract of `simulate --format json`. */
export function toJson(r: SimResult): object {
  return {
    verdict: r.verdict,
    function: r.function,
    file: r.file,
    cpus: r.cpus,
    fixed: r.fixed,
    statesExplored: r.statesExplored,
    ms: r.ms,
    bug: r.bug,
    ...(r.reason ? { reason: r.reason } : {}),
    trace: r.trace.map((t) => ({ step: t.step, cpu: t.cpu, actor: t.actor, action: t.action, file: t.file, line: t.line, online: t.online, active: t.active, irqs: t.irqs, ipiReady: t.ipiReady, ...(t.bug ? { bug: true } : {}) })),
  };
}
