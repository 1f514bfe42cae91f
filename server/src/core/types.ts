// Shared data model of the analysis core. Pure TypeScript: no LSP or VS Code imports.

/** What a call does to a CPU. */
export type Role =
  | 'online-sync'     // returns with the CPU online (native_cpu_up, __cpu_up, cpu_up, add_cpu, smp_ops.cpu_up)
  | 'online-kick'     // starts the CPU, which marks itself online later (VCPUOP_up, do_boot_cpu, boot_secondary)
  | 'online-direct'   // writes the online mask (set_cpu_online(cpu, true), cpumask_set_cpu(cpu, cpu_online_mask))
  | 'ipi-setup'       // makes the CPU's IPI vectors valid (xen_smp_intr_init, bind_ipi_to_irqhandler, ipi_setup)
  | 'offline'         // removes the CPU from the online mask (set_cpu_online(cpu, false))
  | 'offline-wait'    // returns once the CPU is dead (__cpu_die, common_cpu_die, native_cpu_die)
  | 'ipi-teardown'    // invalidates the CPU's IPI vectors (xen_smp_intr_free, unbind_from_irqhandler, ipi_teardown)
  | 'ipi-send'        // sends an IPI to the CPU (simulator only)
  | 'hotplug-state';  // cpuhp_setup_state*(state, name, startup, teardown) registration (rule HP004)

export const PUBLISH_ROLES: readonly Role[] = ['online-sync', 'online-kick', 'online-direct'];
export const OFFLINE_ROLES: readonly Role[] = ['offline', 'offline-wait'];

/** A condition on another argument, compared after normalisation (see cpu identity). */
export interface ArgCondition {
  arg: number;
  oneOf: string[];
}

/** One knowledge-base entry. `name` is a function name, or `obj.field` / `field` for calls through a pointer. */
export interface KbEntry {
  name: string;
  kind: 'function' | 'field';
  role: Role;
  /** Index of the CPU argument, or 'self' when the call acts on the CPU that runs it. */
  cpuArg: number | 'self';
  when?: ArgCondition[];
  /** For ipi-setup: returns 0 or -errno, so callers must check it. */
  returnsStatus?: boolean;
  /** For ipi-setup: the sender checks a sentinel, so late set-up is tolerated (xen_init_lock_cpu). */
  guarded?: boolean;
  /** IPI vectors bound, torn down or sent (simulator). */
  vectors?: string[];
  /** For hotplug-state: argument indexes of the startup and teardown callbacks. */
  callbacks?: { state: number; startup: number; teardown?: number };
  /** Short reason shown in hovers. */
  note?: string;
  /** 'builtin', 'settings' or the rules file path. */
  source: string;
}

/** A range in a file. Offsets and columns are 0-based UTF-16 code units; lines are 0-based. */
export interface Span {
  start: number;
  end: number;
  startLine: number;
  startCol: number;
  endLine: number;
  endCol: number;
}

/** A role-bearing call found on a path, either direct (kb hit) or through a summary. */
export interface Event {
  role: Role;
  /** Normalised CPU key: 'self' for the running CPU, else the normalised expression text. */
  cpu: string;
  /** The CPU expression as written at this call site. */
  cpuText: string;
  /** The callee as written at this call site: 'native_cpu_up', 'smp_ops.cpu_up', 'kick_and_wait'. */
  callee: string;
  /** The call expression at this call site. */
  span: Span;
  /** The smallest enclosing statement of the call in this function. */
  stmtSpan: Span;
  /** Id of the call site in its function; events expanded from one call share it. */
  callSite: number;
  /** Call chain down to the knowledge-base function: ['kick_and_wait', 'native_cpu_up']. Length 1 for direct hits. */
  via: string[];
  /** The knowledge-base entry at the end of the chain. */
  entry: KbEntry;
}

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export type Code = 'HP001' | 'HP002' | 'HP003' | 'HP004' | 'HP900';

export interface WitnessStep {
  event: Event;
  /** For ipi-setup steps with a status: the outcome on this path. */
  outcome?: 'ok' | 'failed' | 'unchecked';
}

export interface RelatedLocation {
  file: string;
  span: Span;
  message: string;
}

export interface Finding {
  code: Code;
  severity: Severity;
  file: string;
  /** Name of the enclosing function. */
  function: string;
  functionSpan: Span;
  /** The CPU expression as written at the primary call. */
  cpu: string;
  message: string;
  /** Primary location: the publish (HP001), the ignored set-up (HP002), the teardown (HP003), the registration (HP004). */
  span: Span;
  related: RelatedLocation[];
  /** The primary event and the other one of the pair. */
  primary: Event;
  other?: Event;
  /** Booting side ('ap', code that runs on the CPU being brought up) or controlling side ('bp'). */
  side: 'bp' | 'ap';
  /** Role-bearing events along the path that witnesses the finding, in order. */
  witness: WitnessStep[];
}

/** A problem with user input (rules file, settings), reported at its place. */
export interface InputProblem {
  file: string;
  span?: Span;
  message: string;
  severity: Severity;
}
