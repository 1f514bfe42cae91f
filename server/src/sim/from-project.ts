// Simulating a function of a Project: its finding's witness when it has one, else (code with no finding, such as
// the fixed version) its role-bearing calls in source order, whose set-up status the analysis found handled.
import type { KnowledgeBase } from '../core/kb/kb';
import type { FnFacts } from '../core/functions';
import { eventsOf, type Resolver, type SummaryEffect } from '../core/events';
import type { Finding, WitnessStep } from '../core/types';
import type { SimResult } from './model';
import { minimalReorder } from './fixed';
import { inputFromFinding, type ProgramInput } from './program';
import { errorResult, pickFinding, simulateInput, type SimulateOptions } from './simulate';

/** What the simulator needs from core's Project. */
export interface SimProject {
  kb: KnowledgeBase;
  findings(file: string): Finding[];
  findingsForText(file: string, text: string): Finding[];
  functionFacts(name: string, file?: string): FnFacts[];
  summary(name: string): SummaryEffect[] | undefined;
  /** The analysis' call resolver (summaries and ops-table targets), so calls through fields expand too. */
  resolver(): Resolver;
  setFile(file: string, text: string): void;
  parsed(file: string): { text: string } | undefined;
}

/** The quick-fix engine's preferred fix (server/src/fix preferredFix), injected so sim does not depend on fix. */
export type FixProvider = (finding: Finding, text: string) => { newText: string; title: string } | { refusal: string };

export interface ProjectSimOptions extends SimulateOptions {
  fix?: FixProvider;
}

/** The program input of `fn` in `file`, or a plain reason why there is none. */
export function inputFor(project: SimProject, file: string, fn: string): ProgramInput | string {
  const all = project.findings(file);
  const f = pickFinding(all, fn);
  if (f) return inputFromFinding(f);
  if (all.some((x) => x.function === fn && x.code === 'HP004')) return `${fn}(): HP004 (IPI set-up registered in a hot-plug state that runs after the CPU is online) is not simulated; the simulator models HP001-HP003`;
  return straightLine(project, file, fn);
}

/** The calls of a function with no finding, in source order (the analysis found every set-up status handled). */
export function straightLine(project: SimProject, file: string, fn: string): ProgramInput | string {
  const facts = project.functionFacts(fn, file)[0];
  if (!facts) return `no function '${fn}' in ${file}`;
  if (facts.error) return `${fn}() could not be analysed: ${facts.error}`;
  const resolver = project.resolver();
  const calls = [...facts.calls].sort((a, b) => a.node.startIndex - b.node.startIndex);
  const witness: WitnessStep[] = [];
  for (const cs of calls) {
    for (const e of eventsOf(cs, resolver, file)) {
      if (e.role === 'hotplug-state') continue;
      const handled = cs.use.kind !== 'ignored';
      witness.push({ event: e, outcome: e.role === 'ipi-setup' && e.returnsStatus ? (handled ? 'ok' : 'unchecked') : undefined });
    }
  }
  const target = witness.find((w) => ['online-sync', 'online-kick', 'online-direct', 'ipi-setup', 'ipi-teardown', 'offline', 'offline-wait'].includes(w.event.role));
  if (!target) return `${fn}() makes no hot-plug calls (publish, IPI set-up or teardown) to simulate`;
  const t = target.event;
  return { function: fn, file, side: t.cpu === 'self' ? 'ap' : 'bp', cpu: t.cpu, cpuText: t.cpuText, witness };
}

export interface Resolved {
  input: ProgramInput;
  /** What `--fixed` simulates. */
  fixed?: ProgramInput;
  notes: string[];
}

/** The program input of a function and, with `fixed`, of its fixed version; or why there is none. */
export function resolve(project: SimProject, file: string, fn: string, opts: ProjectSimOptions = {}): Resolved | string {
  const input = inputFor(project, file, fn);
  if (typeof input === 'string') return input;
  if (!opts.fixed) return { input, notes: [] };
  const finding = pickFinding(project.findings(file), fn);
  const text = project.parsed(file)?.text;
  if (!finding) return { input, fixed: input, notes: [`${fn}() has no HP001-HP003 finding: simulated as written`] };
  const reorder = (why: string): Resolved => ({ input, fixed: minimalReorder(input), notes: [`${why}simulated after the minimal reorder (set-up before publish, teardown after offline)`] });
  if (!opts.fix || text === undefined) return reorder('');
  const fix = opts.fix(finding, text);
  if ('refusal' in fix) return reorder(`no quick fix (${fix.refusal}); `);
  // Analyse the fixed text in place of the file, then put the original back.
  let fixed: ProgramInput | string;
  project.setFile(file, fix.newText);
  try {
    fixed = inputFor(project, file, fn);
  } finally {
    project.setFile(file, text);
  }
  if (typeof fixed === 'string') return `after the quick fix "${fix.title}": ${fixed}`;
  return { input, fixed, notes: [`simulated after the quick fix "${fix.title}"`] };
}

export function simulateFunction(project: SimProject, file: string, fn: string, opts: ProjectSimOptions = {}): SimResult {
  const t0 = performance.now();
  const res = resolve(project, file, fn, opts);
  if (typeof res === 'string') return errorResult(fn, file, res, opts, t0);
  const r = simulateInput(res.input, { ...opts, fixedInput: res.fixed });
  r.notes.push(...res.notes);
  return r;
}
