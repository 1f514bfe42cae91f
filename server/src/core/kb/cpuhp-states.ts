// Which section of the hot-plug state machine a cpuhp state belongs to (kernel-kb §5.5, rule R4).
// PREPARE states run on the controlling CPU before the kick; STARTING states run on the booting CPU with IRQs off,
// before set_cpu_online; ONLINE states (from CPUHP_TEARDOWN_CPU / CPUHP_AP_ONLINE_IDLE on) run after it.
// Classified by the kernel's naming convention, with the exceptions that do not follow it.

export type CpuhpSection = 'prepare' | 'starting' | 'online';

const EXACT: Record<string, CpuhpSection> = {
  CPUHP_OFFLINE: 'prepare',
  CPUHP_BRINGUP_CPU: 'prepare',
  CPUHP_BP_KICK_AP: 'prepare',
  CPUHP_BP_PREPARE_DYN: 'prepare',
  CPUHP_BP_PREPARE_DYN_END: 'prepare',
  CPUHP_PAGE_ALLOC: 'prepare',
  CPUHP_CREATE_THREADS: 'prepare',
  CPUHP_AP_IDLE_DEAD: 'starting',
  CPUHP_AP_OFFLINE: 'starting',
  CPUHP_AP_ONLINE: 'starting', // the top of the STARTING section, despite its name
  CPUHP_AP_ARM_MVEBU_COHERENCY: 'starting',
  CPUHP_AP_MICROCODE_LOADER: 'starting',
  CPUHP_AP_ARM_CACHE_B15_RAC_DEAD: 'prepare',
  CPUHP_AP_DTPM_CPU_DEAD: 'prepare',
  CPUHP_TEARDOWN_CPU: 'online',
  CPUHP_AP_ONLINE_IDLE: 'online',
  CPUHP_AP_SCHED_WAIT_EMPTY: 'online',
  CPUHP_AP_SMPBOOT_THREADS: 'online',
  CPUHP_AP_ARM_MVEBU_SYNC_CLOCKS: 'online',
  CPUHP_AP_PERF_POWERPC_HV_24: 'online',
  CPUHP_AP_ONLINE_DYN: 'online',
  CPUHP_AP_ONLINE_DYN_END: 'online',
  CPUHP_AP_ACTIVE: 'online',
  CPUHP_ONLINE: 'online',
};

/**
 * The section of a state expression as written: 'CPUHP_AP_ONLINE_DYN', 'CPUHP_AP_ONLINE_DYN + 1',
 * '(CPUHP_XEN_PREPARE)'. undefined when it is not a recognisable CPUHP_* name (a variable, a number).
 */
export function cpuhpSection(expr: string): CpuhpSection | undefined {
  const m = /\bCPUHP_[A-Z0-9_]+\b/.exec(expr);
  if (!m) return undefined;
  const name = m[0];
  if (EXACT[name]) return EXACT[name];
  if (name.startsWith('CPUHP_AP_')) {
    if (/_(STARTING|DYING)$/.test(name)) return 'starting';
    if (/_ONLINE$/.test(name)) return 'online';
    if (/_(DEAD|PREPARE|PREP)$/.test(name)) return 'prepare';
    return undefined;
  }
  if (/_(PREPARE|PREP|DEAD)$/.test(name) || /^CPUHP_(PERF|X86|MM|NET|ARM|POWERPC|MIPS|SH|S390|KVM)_/.test(name)) return 'prepare';
  return undefined;
}

/** True when callbacks of this state run after the CPU is in cpu_online_mask (startup) or while it still is (teardown). */
export function runsWhileOnline(expr: string): boolean {
  return cpuhpSection(expr) === 'online';
}
