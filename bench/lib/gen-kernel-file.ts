// Generates a large kernel-style C file for the editor-latency benchmark: bring-up functions (buggy and
// fixed), wrappers that need summaries, teardown paths, ops tables and filler code, ~20 lines a function.
export function generateKernelFile(targetLines: number): string {
  const out: string[] = ['// SPDX-License-Identifier: GPL-2.0', '/* Generated for the hotplug-race latency benchmark. */', '#include <linux/cpu.h>', '#include <linux/smp.h>', '#include <xen/events.h>', ''];
  let i = 0;
  while (out.length < targetLines) {
    const n = i++;
    switch (n % 5) {
      case 0: // the 2013 bug, through a wrapper
        out.push(
          `static int gen_boot_cpu_${n}(unsigned int cpu, struct task_struct *idle)`, '{', '\tint err;', '',
          '\terr = native_cpu_up(cpu, idle);', '\tif (err)', `\t\tpr_err("cpu %u: boot failed: %d\\n", cpu, err);`, '\treturn err;', '}', '',
          `static int gen_cpu_up_${n}(unsigned int cpu, struct task_struct *tidle)`, '{', '\tint rc;', '',
          `\trc = gen_boot_cpu_${n}(cpu, tidle);`, '\tWARN_ON(xen_smp_intr_init(cpu));', '\treturn rc;', '}', '',
        );
        break;
      case 1: // the fixed order
        out.push(
          `static int gen_fixed_cpu_up_${n}(unsigned int cpu, struct task_struct *tidle)`, '{', '\tint rc;', '',
          '\trc = xen_smp_intr_init(cpu);', '\tWARN_ON(rc);', '\tif (!rc)', '\t\trc = native_cpu_up(cpu, tidle);', '\tif (rc)', '\t\treturn rc;', '\treturn 0;', '}', '',
        );
        break;
      case 2: // teardown while still online (HP003) and the right order
        out.push(
          `static void gen_cpu_die_${n}(unsigned int cpu)`, '{', '\tif (cpu >= nr_cpu_ids)', '\t\treturn;', '\txen_smp_intr_free(cpu);', '\tset_cpu_online(cpu, false);', '}', '',
          `static void gen_cpu_die_ok_${n}(unsigned int cpu)`, '{', '\tif (common_cpu_die(cpu) == 0)', '\t\txen_smp_intr_free(cpu);', '}', '',
        );
        break;
      case 3: // AP side with a loop and a switch
        out.push(
          `static void gen_start_secondary_${n}(void *unused)`, '{', '\tint cpu = smp_processor_id();', '\tint j;', '',
          '\tfor (j = 0; j < 4; j++) {', '\t\tswitch (j) {', '\t\tcase 0:', '\t\t\tcpu_init();', '\t\t\tbreak;', '\t\tdefault:', '\t\t\tbarrier();', '\t\t}', '\t}',
          '\tnotify_cpu_starting(cpu);', '\tset_cpu_online(cpu, true);', '\tlocal_irq_enable();', '}', '',
        );
        break;
      default: // filler with no hot-plug calls
        out.push(
          `static unsigned long gen_filler_${n}(const unsigned long *map, unsigned int bits)`, '{', '\tunsigned long sum = 0;', '\tunsigned int k;', '',
          '\tfor (k = 0; k < bits / BITS_PER_LONG; k++) {', '\t\tif (!map[k])', '\t\t\tcontinue;', '\t\tsum += hweight_long(map[k]);', '\t}', '\treturn sum;', '}', '',
        );
    }
  }
  out.push('static const struct smp_ops gen_smp_ops = {', '\t.cpu_up = gen_cpu_up_0,', '\t.cpu_die = gen_cpu_die_2,', '};', '');
  return out.join('\n');
}
