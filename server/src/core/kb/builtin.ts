// Built-in knowledge base, from shared/research/kernel-kb.md §1-§4. Data only.
// Precision matters more than recall: a function is listed in a publish or set-up role only where the kb shows it.
// Calls that the kernel only makes in the safe order and that are also used on the boot CPU (setup_local_APIC,
// lapic_online, lapic_offline) are left out: they could only add noise through summaries.
// Wrappers that are not listed (wakeup_cpu_via_init_nmi, xen_cpu_up_online, ...) are found by summaries when their
// bodies are in the workspace. device_online()/cpu_device_up() take a struct device, not a CPU number, so they are not
// listed; their callers reach cpu_up() through summaries.
import type { KbEntry } from '../types';
import type { Lexicon } from './kb';

type Raw = Omit<KbEntry, 'source' | 'kind'> & { kind?: KbEntry['kind'] };

const TRUE = ['true', '1'];
const FALSE = ['false', '0'];
/** Per-CPU IRQs that are IPIs: enable_percpu_irq() also serves timers and PMUs, which no other CPU raises. */
const IPI_IRQ = ['*ipi*'];
/** The online mask as written across versions; '&' forms too, in case a `when` value is compared before stripping. */
export const ONLINE_MASK = [
  'cpu_online_mask', '__cpu_online_mask', '&__cpu_online_mask', 'cpu_online_map', '&cpu_online_map',
  'to_cpumask(cpu_online_bits)', 'cpu_online_bits',
];

/** Vector names shared with the simulator. Xen binds them in this order in xen_smp_intr_init (IRQ_WORK: 3.6-4.11). */
export const XEN_SMP_VECTORS = ['RESCHEDULE', 'CALL_FUNCTION', 'DEBUG', 'CALL_FUNCTION_SINGLE', 'IRQ_WORK'];
const NATIVE_VECTORS = ['RESCHEDULE', 'CALL_FUNCTION', 'CALL_FUNCTION_SINGLE'];

const RAW: Raw[] = [
  // ---- §1b controlling CPU (BP): returns with the CPU in cpu_online_mask ('online-sync').
  { name: 'native_cpu_up', role: 'online-sync', cpuArg: 0, note: 'x86 (<=6.4): do_boot_cpu(), then spins until cpu_online(cpu); the AP sets itself online inside this call' },
  { name: '__cpu_up', role: 'online-sync', cpuArg: 0, note: 'arch hook: x86 smp_ops.cpu_up; arm64, riscv, powerpc wait until cpu_online(cpu) before returning' },
  { name: 'smp_ops.cpu_up', role: 'online-sync', cpuArg: 0, note: 'x86 (<=6.4) smp_ops hook: native_cpu_up, xen_hvm_cpu_up or xen_cpu_up; returns with the CPU online' },
  { name: 'cpu_up', role: 'online-sync', cpuArg: 0, note: 'generic hot-plug entry: runs the bring-up states; the CPU is online on success (6.5+ parallel boot phase 1 stops at BP_KICK_AP)' },
  { name: '_cpu_up', role: 'online-sync', cpuArg: 0, note: 'kernel/cpu.c: __cpu_up / cpuhp states under the hot-plug lock; 3.x BUG_ON(!cpu_online(cpu)) after it' },
  { name: 'add_cpu', role: 'online-sync', cpuArg: 0, note: 'onlines a CPU (device_online of its CPU device); 4.19+' },
  { name: 'bringup_hibernate_cpu', role: 'online-sync', cpuArg: 0, note: 'onlines the CPU hibernation snapshotted on; 5.x+' },
  { name: 'bringup_cpu', role: 'online-sync', cpuArg: 0, note: 'CPUHP_BRINGUP_CPU (4.6+): __cpu_up, then waits for CPUHP_AP_ONLINE_IDLE' },
  { name: 'cpuhp_bringup_ap', role: 'online-sync', cpuArg: 0, note: 'CPUHP_BRINGUP_CPU with split start-up (6.5+): releases the AP, then waits until it is online' },
  { name: 'xen_hvm_cpu_up', role: 'online-sync', cpuArg: 0, note: 'Xen HVM (2.6.38-4.8): native_cpu_up plus the Xen IPI set-up (after it before 3.10: the 2013 bug)' },
  { name: 'xen_cpu_up', role: 'online-sync', cpuArg: 0, note: 'Xen PV (<=4.8): VCPUOP_up, then polls until cpu_report_state(cpu) == CPU_ONLINE' },
  { name: 'xen_pv_cpu_up', role: 'online-sync', cpuArg: 0, note: 'Xen PV (4.9-6.4): VCPUOP_up, then polls until cpu_report_state(cpu) == CPU_ONLINE' },

  // ---- §1b kicks: start the AP, which sets itself online later ('online-kick').
  { name: 'HYPERVISOR_vcpu_op', role: 'online-kick', cpuArg: 1, when: [{ arg: 0, oneOf: ['VCPUOP_up'] }], note: 'Xen: VCPUOP_up starts the vCPU (arg 1, xen_vcpu_nr(cpu) in 4.8+), which marks itself online' },
  { name: 'do_boot_cpu', role: 'online-kick', cpuArg: 1, note: 'x86 do_boot_cpu(apicid, cpu, idle): INIT/SIPI; waits for callin (not online) in <=6.4' },
  { name: 'wakeup_secondary_cpu_via_init', role: 'online-kick', cpuArg: 0, note: 'x86: INIT/SIPI to the physical APIC id (arg 0)' },
  { name: 'wakeup_secondary_cpu_via_nmi', role: 'online-kick', cpuArg: 0, note: 'x86: NMI wake-up of the physical APIC id (arg 0)' },
  { name: 'wakeup_secondary_cpu', role: 'online-kick', cpuArg: 0, note: 'x86: INIT/SIPI wake-up of the physical APIC id (arg 0), as a plain function in older kernels' },
  { name: 'wakeup_secondary_cpu', kind: 'field', role: 'online-kick', cpuArg: 0, note: 'x86 apic->wakeup_secondary_cpu(apicid, start_eip): numachip, UV, SEV-SNP, ACPI MADT wake-up' },
  { name: 'wakeup_secondary_cpu_64', kind: 'field', role: 'online-kick', cpuArg: 0, note: 'x86 apic->wakeup_secondary_cpu_64(apicid, start_ip)' },
  { name: 'boot_secondary', role: 'online-kick', cpuArg: 0, note: 'arm64/xtensa: starts the secondary CPU (arm64: cpu_ops->cpu_boot)' },
  { name: 'cpu_boot', kind: 'field', role: 'online-kick', cpuArg: 0, note: 'arm64 cpu_operations.cpu_boot: PSCI, spin-table or ACPI parking protocol' },
  { name: 'smp_boot_secondary', kind: 'field', role: 'online-kick', cpuArg: 0, note: 'arm smp_operations.smp_boot_secondary: platform hook that starts the secondary CPU' },
  { name: 'kick_cpu', kind: 'field', role: 'online-kick', cpuArg: 0, note: 'powerpc smp_ops->kick_cpu: platform hook that starts the secondary CPU' },
  { name: 'cpu_start', kind: 'field', role: 'online-kick', cpuArg: 0, note: 'riscv cpu_operations.cpu_start: SBI HSM or spin-wait' },
  { name: 'boot_secondary', kind: 'field', role: 'online-kick', cpuArg: 0, note: 'mips plat_smp_ops.boot_secondary (mp_ops->boot_secondary) and similar hooks: start the CPU' },
  { name: 'loongson_boot_secondary', role: 'online-kick', cpuArg: 0, note: 'loongarch: starts the secondary CPU' },

  // ---- §1a direct publishers: the write to the online mask ('online-direct').
  { name: 'set_cpu_online', role: 'online-direct', cpuArg: 0, when: [{ arg: 1, oneOf: TRUE }], note: 'sets the CPU in cpu_online_mask: the publish point (AP side, IRQs off)' },
  { name: 'cpumask_set_cpu', role: 'online-direct', cpuArg: 0, when: [{ arg: 1, oneOf: ONLINE_MASK }], note: 'raw write of cpu_online_mask (inside set_cpu_online in 3.x)' },
  { name: '__cpumask_set_cpu', role: 'online-direct', cpuArg: 0, when: [{ arg: 1, oneOf: ONLINE_MASK }], note: 'raw non-atomic write of cpu_online_mask' },
  { name: 'cpumask_test_and_set_cpu', role: 'online-direct', cpuArg: 0, when: [{ arg: 1, oneOf: ONLINE_MASK }], note: 'raw write of cpu_online_mask (inside set_cpu_online in 5.x+)' },
  { name: 'cpu_set', role: 'online-direct', cpuArg: 0, when: [{ arg: 1, oneOf: ONLINE_MASK }], note: '2.6.2x: cpu_set(cpu, cpu_online_map)' },

  // ---- §2 set-up: the CPU's IPI vectors become valid ('ipi-setup').
  { name: 'xen_smp_intr_init', role: 'ipi-setup', cpuArg: 0, returnsStatus: true, vectors: XEN_SMP_VECTORS, note: 'Xen: binds the CPU\'s IPI event channels (resched, callfunc, debug, callfunc-single); returns 0 or -errno' },
  { name: 'xen_smp_intr_init_pv', role: 'ipi-setup', cpuArg: 0, returnsStatus: true, vectors: ['IRQ_WORK', 'XENPMU'], note: 'Xen PV (4.12+): binds the irq_work IPI and VIRQ_XENPMU; returns 0 or -errno' },
  { name: 'xen_cpu_up_prepare_hvm', role: 'ipi-setup', cpuArg: 0, returnsStatus: true, vectors: XEN_SMP_VECTORS, note: 'Xen HVM CPUHP_XEN_PREPARE callback (4.12+): vCPU set-up, timer, xen_smp_intr_init' },
  { name: 'xen_cpu_up_prepare_pv', role: 'ipi-setup', cpuArg: 0, returnsStatus: true, vectors: [...XEN_SMP_VECTORS, 'XENPMU'], note: 'Xen PV CPUHP_XEN_PREPARE callback (4.12+): timer, xen_smp_intr_init, xen_smp_intr_init_pv' },
  { name: 'xen_evtchn_cpu_prepare', role: 'ipi-setup', cpuArg: 0, returnsStatus: true, note: 'Xen CPUHP_XEN_EVTCHN_PREPARE (4.9+): per-CPU FIFO event control block' },
  { name: 'bind_ipi_to_irqhandler', role: 'ipi-setup', cpuArg: 1, returnsStatus: true, note: 'Xen: bind_ipi_to_irqhandler(ipi, cpu, ...) fills ipi_to_irq[cpu][ipi]; returns the irq or -errno' },
  { name: 'bind_ipi_to_irq', role: 'ipi-setup', cpuArg: 1, returnsStatus: true, note: 'Xen: bind_ipi_to_irq(ipi, cpu); returns the irq or -errno' },
  { name: 'bind_virq_to_irqhandler', role: 'ipi-setup', cpuArg: 1, returnsStatus: true, note: 'Xen: per-CPU VIRQ (VIRQ_DEBUG, VIRQ_TIMER, VIRQ_XENPMU) for cpu (arg 1); returns the irq or -errno' },
  { name: 'bind_virq_to_irq', role: 'ipi-setup', cpuArg: 1, returnsStatus: true, note: 'Xen: bind_virq_to_irq(virq, cpu, percpu); returns the irq or -errno' },
  { name: 'xen_init_lock_cpu', role: 'ipi-setup', cpuArg: 0, guarded: true, vectors: ['SPIN_UNLOCK'], note: 'Xen: binds the spinlock kicker; after online on purpose (3.14+), safe because xen_qlock_kick skips irq == -1' },
  { name: 'ipi_setup', role: 'ipi-setup', cpuArg: 0, vectors: NATIVE_VECTORS, note: 'arm/arm64 (5.10+): enables the IPI per-CPU IRQs on the running CPU; the AP calls it before set_cpu_online' },
  { name: 'riscv_ipi_enable', role: 'ipi-setup', cpuArg: 'self', vectors: NATIVE_VECTORS, note: 'riscv (6.4+): enables the IPI virqs on this hart, before set_cpu_online' },
  { name: 'enable_percpu_irq', role: 'ipi-setup', cpuArg: 'self', when: [{ arg: 0, oneOf: IPI_IRQ }], note: 'enables a per-CPU IRQ on the running CPU; an IPI enable when the IRQ is an IPI (also used for timers and PMUs)' },
  { name: 'enable_percpu_nmi', role: 'ipi-setup', cpuArg: 'self', note: 'enables a per-CPU NMI on the running CPU (arm64 pseudo-NMI IPIs); also used for non-IPI NMIs' },
  { name: 'setup_vector_irq', role: 'ipi-setup', cpuArg: 0, vectors: NATIVE_VECTORS, note: 'x86 (3.x-4.x): per-CPU vector table, under vector_lock just before set_cpu_online' },
  { name: '__setup_vector_irq', role: 'ipi-setup', cpuArg: 0, vectors: NATIVE_VECTORS, note: 'x86 (3.x-4.x): per-CPU vector table' },
  { name: 'apic_ap_setup', role: 'ipi-setup', cpuArg: 'self', vectors: NATIVE_VECTORS, note: 'x86 (4.9+): local APIC set-up on the AP, before set_cpu_online' },
  { name: 'setup_cpu', kind: 'field', role: 'ipi-setup', cpuArg: 'self', note: 'powerpc: per-CPU interrupt controller set-up (XIVE/XICS) on the AP, before set_cpu_online' },
  { name: 'smp_ops.prepare_cpu', role: 'ipi-setup', cpuArg: 0, returnsStatus: true, note: 'powerpc: BP-side per-CPU interrupt set-up (xive_smp_prepare_cpu) before the kick; returns 0 or -errno' },
  { name: 'init_secondary', kind: 'field', role: 'ipi-setup', cpuArg: 'self', note: 'mips: unmasks the IPI lines on the AP, before set_cpu_online' },
  { name: 'loongson_init_secondary', role: 'ipi-setup', cpuArg: 'self', note: 'loongarch: enables IPIs on the AP, before set_cpu_online' },

  // ---- §1/§4 offline: the CPU leaves the online mask ('offline'), or is dead when the call returns ('offline-wait').
  { name: 'set_cpu_online', role: 'offline', cpuArg: 0, when: [{ arg: 1, oneOf: FALSE }], note: 'clears the CPU from cpu_online_mask (__cpu_disable, cpu_disable_common, stop_this_cpu)' },
  { name: 'cpumask_clear_cpu', role: 'offline', cpuArg: 0, when: [{ arg: 1, oneOf: ONLINE_MASK }], note: 'raw clear of cpu_online_mask' },
  { name: '__cpumask_clear_cpu', role: 'offline', cpuArg: 0, when: [{ arg: 1, oneOf: ONLINE_MASK }], note: 'raw non-atomic clear of cpu_online_mask' },
  { name: 'cpumask_test_and_clear_cpu', role: 'offline', cpuArg: 0, when: [{ arg: 1, oneOf: ONLINE_MASK }], note: 'raw clear of cpu_online_mask (inside set_cpu_online in 5.x+)' },
  { name: 'cpu_clear', role: 'offline', cpuArg: 0, when: [{ arg: 1, oneOf: ONLINE_MASK }], note: '2.6.2x: cpu_clear(cpu, cpu_online_map)' },
  { name: '__cpu_die', role: 'offline-wait', cpuArg: 0, note: 'BP: waits until the (already offline) CPU is dead' },
  { name: 'native_cpu_die', role: 'offline-wait', cpuArg: 0, note: 'x86: waits until the CPU is dead' },
  { name: 'common_cpu_die', role: 'offline-wait', cpuArg: 0, returnsStatus: true, note: 'x86 (4.x-6.4): waits for CPU_DEAD; returns 0 once dead, -1 on timeout' },
  { name: 'cpu_wait_death', role: 'offline-wait', cpuArg: 0, note: 'waits for the CPU to report death; returns true when it is dead (note: true is success)' },
  { name: 'takedown_cpu', role: 'offline-wait', cpuArg: 0, note: 'CPUHP_TEARDOWN_CPU: stop_machine(take_cpu_down), then waits for the dead CPU' },
  { name: 'remove_cpu', role: 'offline-wait', cpuArg: 0, note: 'offlines a CPU (device_offline of its CPU device); 5.7+' },
  { name: 'cpu_down', role: 'offline-wait', cpuArg: 0, note: 'generic offline entry: returns with the CPU offline on success' },
  { name: '_cpu_down', role: 'offline-wait', cpuArg: 0, note: 'kernel/cpu.c: runs the teardown states; returns with the CPU offline on success' },

  // ---- §4 teardown: the CPU's IPI vectors become invalid ('ipi-teardown').
  { name: 'xen_smp_intr_free', role: 'ipi-teardown', cpuArg: 0, vectors: XEN_SMP_VECTORS, note: 'Xen: unbinds the CPU\'s IPI event channels; later sends to it BUG' },
  { name: 'xen_smp_intr_free_pv', role: 'ipi-teardown', cpuArg: 0, vectors: ['IRQ_WORK', 'XENPMU'], note: 'Xen PV (4.12+): unbinds the irq_work IPI and VIRQ_XENPMU' },
  { name: 'xen_uninit_lock_cpu', role: 'ipi-teardown', cpuArg: 0, guarded: true, vectors: ['SPIN_UNLOCK'], note: 'Xen: unbinds the spinlock kicker; the sender checks irq == -1' },
  { name: 'unbind_from_irqhandler', role: 'ipi-teardown', cpuArg: 0, note: 'Xen: unbind_from_irqhandler(irq, dev); the CPU is the one in per_cpu(var, cpu) inside the irq argument (a cpu mapper)' },
  { name: 'ipi_teardown', role: 'ipi-teardown', cpuArg: 0, vectors: NATIVE_VECTORS, note: 'arm/arm64 (5.10+): disables the IPI per-CPU IRQs; __cpu_disable calls it after set_cpu_online(cpu, false)' },
  { name: 'riscv_ipi_disable', role: 'ipi-teardown', cpuArg: 'self', vectors: NATIVE_VECTORS, note: 'riscv (6.4+): disables the IPI virqs on this hart, after set_cpu_online(cpu, false)' },
  { name: 'disable_percpu_irq', role: 'ipi-teardown', cpuArg: 'self', when: [{ arg: 0, oneOf: IPI_IRQ }], note: 'disables a per-CPU IRQ on the running CPU; an IPI teardown when the IRQ is an IPI' },
  { name: 'disable_percpu_nmi', role: 'ipi-teardown', cpuArg: 'self', note: 'disables a per-CPU NMI on the running CPU' },

  // ---- §3 senders ('ipi-send', simulator only).
  { name: 'smp_send_reschedule', role: 'ipi-send', cpuArg: 0, vectors: ['RESCHEDULE'], note: 'reschedule IPI; no online check on the Xen path' },
  { name: 'arch_smp_send_reschedule', role: 'ipi-send', cpuArg: 0, vectors: ['RESCHEDULE'], note: 'reschedule IPI (6.x name)' },
  { name: 'native_smp_send_reschedule', role: 'ipi-send', cpuArg: 0, vectors: ['RESCHEDULE'], note: 'x86: drops the IPI if cpu_is_offline(cpu)' },
  { name: 'xen_smp_send_reschedule', role: 'ipi-send', cpuArg: 0, vectors: ['RESCHEDULE'], note: 'Xen: xen_send_IPI_one(cpu, XEN_RESCHEDULE_VECTOR); no check' },
  { name: 'xen_send_IPI_one', role: 'ipi-send', cpuArg: 0, note: 'Xen: BUG_ON when the vector (arg 1) is not bound for cpu' },
  { name: 'xen_qlock_kick', role: 'ipi-send', cpuArg: 0, guarded: true, vectors: ['SPIN_UNLOCK'], note: 'Xen spinlock kick; skips when the kicker irq is -1' },
  { name: 'smp_call_function_single', role: 'ipi-send', cpuArg: 0, vectors: ['CALL_FUNCTION_SINGLE'], note: 'returns -ENXIO if !cpu_online(cpu)' },
  { name: 'smp_call_function_single_async', role: 'ipi-send', cpuArg: 0, vectors: ['CALL_FUNCTION_SINGLE'], note: 'async cross-call' },
  { name: 'arch_send_call_function_single_ipi', role: 'ipi-send', cpuArg: 0, vectors: ['CALL_FUNCTION_SINGLE'], note: 'arch cross-call IPI; no check' },
  { name: 'generic_exec_single', role: 'ipi-send', cpuArg: 0, vectors: ['CALL_FUNCTION_SINGLE'], note: 'smp_call_function_single back end; -ENXIO if offline' },
  { name: '__smp_call_single_queue', role: 'ipi-send', cpuArg: 0, vectors: ['CALL_FUNCTION_SINGLE'], note: '5.x+: queues a cross-call and sends the IPI; no check' },
  { name: 'send_call_function_single_ipi', role: 'ipi-send', cpuArg: 0, vectors: ['CALL_FUNCTION_SINGLE'], note: '5.x+: cross-call IPI; no check' },
  { name: 'xen_smp_send_call_function_single_ipi', role: 'ipi-send', cpuArg: 0, vectors: ['CALL_FUNCTION_SINGLE'], note: 'Xen: filters on cpu_online_mask, then xen_send_IPI_one' },
  { name: 'irq_work_queue_on', role: 'ipi-send', cpuArg: 1, vectors: ['IRQ_WORK'], note: 'irq_work_queue_on(work, cpu); only WARNs if offline' },
  { name: 'add_timer_on', role: 'ipi-send', cpuArg: 1, vectors: ['RESCHEDULE'], note: 'add_timer_on(timer, cpu): reschedule IPI if cpu is idle (NO_HZ); the clocksource watchdog uses it' },
  { name: 'resched_cpu', role: 'ipi-send', cpuArg: 0, vectors: ['RESCHEDULE'], note: 'no online check in 3.14-4.9; checks cpu_online in 5.x+' },
  { name: 'wake_up_idle_cpu', role: 'ipi-send', cpuArg: 0, vectors: ['RESCHEDULE'], note: 'NO_HZ: reschedule IPI if cpu is idle and not polling' },
  { name: 'wake_up_nohz_cpu', role: 'ipi-send', cpuArg: 0, vectors: ['RESCHEDULE'], note: 'NO_HZ: reschedule IPI if cpu is idle' },

  // ---- hot-plug state registrations (rule R4 / HP004). The state decides where the callbacks run.
  { name: 'cpuhp_setup_state', role: 'hotplug-state', cpuArg: 0, callbacks: { state: 0, startup: 2, teardown: 3 }, note: 'registers startup/teardown callbacks for a hot-plug state and runs startup on online CPUs' },
  { name: 'cpuhp_setup_state_nocalls', role: 'hotplug-state', cpuArg: 0, callbacks: { state: 0, startup: 2, teardown: 3 }, note: 'registers hot-plug state callbacks without calling them now' },
  { name: 'cpuhp_setup_state_cpuslocked', role: 'hotplug-state', cpuArg: 0, callbacks: { state: 0, startup: 2, teardown: 3 }, note: 'cpuhp_setup_state with cpus_read_lock held' },
  { name: 'cpuhp_setup_state_nocalls_cpuslocked', role: 'hotplug-state', cpuArg: 0, callbacks: { state: 0, startup: 2, teardown: 3 }, note: 'cpuhp_setup_state_nocalls with cpus_read_lock held' },
  { name: 'cpuhp_setup_state_multi', role: 'hotplug-state', cpuArg: 0, callbacks: { state: 0, startup: 2, teardown: 3 }, note: 'multi-instance hot-plug state' },
  { name: '__cpuhp_setup_state', role: 'hotplug-state', cpuArg: 0, callbacks: { state: 0, startup: 3, teardown: 4 }, note: '__cpuhp_setup_state(state, name, invoke, startup, teardown, multi)' },
  { name: '__cpuhp_setup_state_cpuslocked', role: 'hotplug-state', cpuArg: 0, callbacks: { state: 0, startup: 3, teardown: 4 }, note: '__cpuhp_setup_state with cpus_read_lock held' },
];

/** `kind` is implied by a '.' or '->' in the name unless given; '->' is stored as '.'. */
export function normaliseEntryName(name: string): string {
  return name.replace(/\s+/g, '').replace(/->/g, '.');
}

export const BUILTIN_ENTRIES: KbEntry[] = RAW.map((r) => {
  const name = normaliseEntryName(r.name);
  return { ...r, name, kind: r.kind ?? (name.includes('.') ? 'field' : 'function'), source: 'builtin' };
});

export const BUILTIN_LEXICON: Lexicon = {
  selfCpu: ['smp_processor_id', 'raw_smp_processor_id', 'get_cpu', '__smp_processor_id', 'debug_smp_processor_id', 'hard_smp_processor_id'],
  cpuMappers: [
    { name: 'xen_vcpu_nr', arg: 0 },            // Xen vCPU number of cpu (4.8+)
    { name: 'per_cpu', arg: 1 },                // per_cpu(x86_cpu_to_apicid, cpu), per_cpu(xen_resched_irq, cpu).irq
    { name: 'per_cpu_ptr', arg: 1 },
    { name: 'cpu_physical_id', arg: 0 },        // arm64/ppc/ia64 hardware id
    { name: 'get_hard_smp_processor_id', arg: 0 }, // powerpc
    { name: 'cpuid_to_hartid_map', arg: 0 },    // riscv
    { name: 'cpu_logical_map', arg: 0 },        // arm/arm64 MPIDR
    { name: 'cpu_present_to_apicid', arg: 0 },  // x86 apic->cpu_present_to_apicid(cpu)
    { name: 'cpu_data', arg: 0 },               // x86 cpu_data(cpu).apicid
    { name: 'get_cpu_device', arg: 0 },         // struct device of cpu
  ],
  onlineMasks: ONLINE_MASK,
  noReturn: ['BUG', 'panic', 'do_exit', 'make_task_dead', 'machine_halt', 'machine_restart', 'machine_power_off', 'emergency_restart', 'kernel_halt', 'kernel_restart', 'kernel_power_off', 'machine_kexec', 'kexec_reboot', 'cpu_startup_entry', 'cpu_idle', 'cpu_play_dead'],
  noReturnIf: ['BUG_ON'],
  transparent: ['WARN_ON', 'WARN_ON_ONCE', 'WARN', 'WARN_ONCE', 'unlikely', 'likely', 'WARN_ON_SMP'],
  reporters: ['printk', 'pr_err', 'pr_warn', 'pr_warning', 'pr_info', 'pr_debug', 'pr_crit', 'pr_alert', 'pr_emerg', 'pr_notice', 'dev_err', 'dev_warn', 'dev_info', 'pr_err_once', 'pr_warn_once', 'pr_info_once'],
  loopMacroPrefixes: ['for_each_', 'list_for_each', 'hlist_for_each'],
  apEntryFunctions: ['start_secondary', 'secondary_start_kernel', 'smp_callin', 'cpu_bringup', 'cpu_bringup_and_idle', 'smp_start_secondary', 'start_kernel_secondary', 'csky_start_secondary', 'secondary_start_kernel_c'],
  apEntryCalls: ['notify_cpu_starting', 'cpu_startup_entry', 'cpuhp_ap_sync_alive', 'cpuhp_online_idle'],
  bootCpuPublishers: ['boot_cpu_init', 'mark_bsp_online', 'smp_prepare_boot_cpu', 'native_smp_prepare_boot_cpu', 'smp_setup_processor_id'],
  // 6.5+ CPUHP_BP_KICK_AP: x86 native_kick_ap() (also smp_ops.kick_ap_alive), Xen PV xen_pv_kick_ap() (VCPUOP_up),
  // through arch_cpuhp_kick_ap_alive() and cpuhp_kick_ap_alive(); the AP then waits in cpuhp_ap_sync_alive().
  gatedKicks: ['native_kick_ap', 'arch_cpuhp_kick_ap_alive', 'cpuhp_kick_ap_alive', 'xen_pv_kick_ap'],
};
