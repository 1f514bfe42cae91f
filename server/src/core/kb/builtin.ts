// Built-in knowledge base, from ../shared/research/kernel-kb.md §1-§4. Data only.
import type { KbEntry } from '../types';
import type { Lexicon } from './kb';

type Raw = Omit<KbEntry, 'source' | 'kind'> & { kind?: KbEntry['kind'] };

const TRUE = ['true', '1'];
const FALSE = ['false', '0'];
const ONLINE_MASK = ['cpu_online_mask', '__cpu_online_mask', 'cpu_online_map', 'to_cpumask(cpu_online_bits)', 'cpu_online_bits'];

const RAW: Raw[] = [
  // §1b controlling CPU: returns with the CPU online.
  { name: 'native_cpu_up', role: 'online-sync', cpuArg: 0, note: 'x86: boots the CPU and waits until it is in cpu_online_mask' },
  // §1b kicks
  { name: 'HYPERVISOR_vcpu_op', role: 'online-kick', cpuArg: 1, when: [{ arg: 0, oneOf: ['VCPUOP_up'] }], note: 'Xen: VCPUOP_up starts the vCPU, which marks itself online' },
  // §1a direct publishers
  { name: 'set_cpu_online', role: 'online-direct', cpuArg: 0, when: [{ arg: 1, oneOf: TRUE }], note: 'sets the CPU in cpu_online_mask' },
  { name: 'cpumask_set_cpu', role: 'online-direct', cpuArg: 0, when: [{ arg: 1, oneOf: ONLINE_MASK }], note: 'sets the CPU in cpu_online_mask' },
  // §2 set-up
  { name: 'xen_smp_intr_init', role: 'ipi-setup', cpuArg: 0, returnsStatus: true, vectors: ['RESCHEDULE', 'CALL_FUNCTION', 'DEBUG', 'CALL_FUNCTION_SINGLE', 'IRQ_WORK'], note: 'Xen: binds the CPU\'s IPI event channels' },
  // §4 teardown and offline
  { name: 'set_cpu_online', role: 'offline', cpuArg: 0, when: [{ arg: 1, oneOf: FALSE }], note: 'clears the CPU from cpu_online_mask' },
  { name: 'xen_smp_intr_free', role: 'ipi-teardown', cpuArg: 0, vectors: ['RESCHEDULE', 'CALL_FUNCTION', 'DEBUG', 'CALL_FUNCTION_SINGLE', 'IRQ_WORK'], note: 'Xen: unbinds the CPU\'s IPI event channels' },
  // §3 senders
  { name: 'smp_send_reschedule', role: 'ipi-send', cpuArg: 0, vectors: ['RESCHEDULE'] },
];

export const BUILTIN_ENTRIES: KbEntry[] = RAW.map((r) => ({ kind: 'function', ...r, source: 'builtin' }));

export const BUILTIN_LEXICON: Lexicon = {
  selfCpu: ['smp_processor_id', 'raw_smp_processor_id', 'get_cpu', '__smp_processor_id'],
  cpuMappers: [{ name: 'xen_vcpu_nr', arg: 0 }, { name: 'per_cpu', arg: 1 }, { name: 'per_cpu_ptr', arg: 1 }],
  onlineMasks: ONLINE_MASK,
  noReturn: ['BUG', 'panic', 'do_exit', 'machine_halt'],
  noReturnIf: ['BUG_ON'],
  transparent: ['WARN_ON', 'WARN_ON_ONCE', 'WARN', 'WARN_ONCE', 'unlikely', 'likely'],
  reporters: ['printk', 'pr_err', 'pr_warn', 'pr_info', 'pr_debug', 'pr_crit', 'pr_alert', 'pr_emerg', 'pr_notice', 'dev_err', 'dev_warn', 'dev_info'],
  loopMacroPrefixes: ['for_each_', 'list_for_each', 'hlist_for_each'],
};
