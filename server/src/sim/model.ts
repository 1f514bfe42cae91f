// Data model of the hot-plug simulator (kernel-kb.md §5, §7). Pure TypeScript.
import type { Span } from '../core/types';

/** CPU numbering: 0 = BP (controlling CPU), 1 = AP (the target), 2.. = other online CPUs. */
export const BP = 0;
export const AP = 1;

/** Threads that run programs: the BP's code and the AP's code. Actors are not threads: they have no program. */
export type ThreadId = 0 | 1;

/** Where a step comes from in the source. */
export interface SimSource {
  file: string;
  span: Span;
}

interface OpBase {
  /** What the trace shows, e.g. "native_cpu_up(cpu): kick CPU 1". */
  label: string;
  /** The function (or kernel routine) the step belongs to, shown as the actor. */
  actor: string;
  source?: SimSource;
}

export type SimOp = OpBase &
  (
    | { k: 'kick' } // start the AP thread (INIT/SIPI, VCPUOP_up)
    | { k: 'online'; on: boolean }
    | { k: 'active'; on: boolean }
    | { k: 'irq'; on: boolean }
    | { k: 'idle'; on: boolean } // AP in its idle loop: RCU sees a quiescent state
    | { k: 'waitOnline' }
    | { k: 'waitActive' }
    | { k: 'waitDead' }
    /** Bind one vector. May fail when `status` is set: then every vector of that set-up is unbound again. */
    | { k: 'bind'; vector: number; setup: number; mayFail: boolean; skipTo: number }
    | { k: 'unbind'; vector: number }
    /** The code's status check: if set-up `setup` failed, jump to `to`. */
    | { k: 'check'; setup: number; to: number }
    | { k: 'send'; vector: number } // the code itself sends an IPI to the AP
    | { k: 'done' } // thread finished (terminal; never executed)
  );

export type ScenarioKind = 'bringup' | 'teardown';

export interface Scenario {
  kind: ScenarioKind;
  /** Function under simulation and its file. */
  function: string;
  file: string;
  side: 'bp' | 'ap';
  /** The CPU expression as written (for messages). */
  cpuText: string;
  /** Vector names; index = bit. */
  vectors: string[];
  /** Bits of the vectors this code manages (set up or torn down); the others are always bound. */
  managed: number;
  /** Programs of the BP thread and the AP thread. The AP thread starts at once when `apStarted`. */
  programs: [SimOp[], SimOp[]];
  apStarted: boolean;
  /** How the BUG line reads: Xen event channels or a generic arch IPI. */
  bugStyle: 'xen' | 'generic';
  /** Notes on what was left out of the model (events on other CPUs, ...). */
  notes: string[];
}

export interface SimConfig {
  /** Other online CPUs besides BP and AP. */
  cpus: number;
  /** State and time bounds: hitting one gives 'bounded'. */
  maxStates: number;
  maxMs: number;
  /** Actors to run (all by default). */
  actors?: { rcu?: boolean; watchdog?: boolean; callFunction?: boolean };
}

export const DEFAULT_CONFIG: SimConfig = { cpus: 2, maxStates: 2_000_000, maxMs: 10_000 };

export interface TraceStep {
  step: number;
  cpu: number;
  /** Lane name: "CPU0 (BP)". */
  lane: string;
  actor: string;
  action: string;
  file: string | null;
  /** 1-based, or null for kernel actors outside the workspace. */
  line: number | null;
  online: number[];
  active: number[];
  /** CPUs with interrupts enabled. */
  irqs: number[];
  /** Vector bindings of the target CPU after the step. */
  ipiReady: Record<string, boolean>;
  bug?: boolean;
}

export interface SimBug {
  sender: number;
  target: number;
  vector: string;
  message: string;
}

export type Verdict = 'race' | 'safe' | 'bounded' | 'error';

export interface SimResult {
  verdict: Verdict;
  function: string;
  file: string;
  cpus: number;
  fixed: boolean;
  statesExplored: number;
  transitions: number;
  ms: number;
  bug: SimBug | null;
  trace: TraceStep[];
  /** For 'bounded': which bound. For 'error': why the function cannot be modelled. */
  reason?: string;
  notes: string[];
}

export function laneName(cpu: number): string {
  return cpu === BP ? 'CPU0 (BP)' : cpu === AP ? 'CPU1 (AP)' : `CPU${cpu}`;
}
