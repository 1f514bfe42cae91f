// SPDX-License-Identifier: GPL-2.0
/*
 * Sample: the booting CPU's side (arm64-like).
 *
 * secondary_start_kernel() runs on the new CPU. It announces itself in
 * cpu_online_mask before enabling its IPI interrupts, so another CPU can
 * already target it with an IPI that is not yet enabled here.
 * __cpu_disable() has the right order for the offline path: the CPU leaves
 * cpu_online_mask first, then its IPIs are disabled.
 *
 * Expected: HP001 on set_cpu_online() in secondary_start_kernel().
 *           No finding in __cpu_disable().
 */
#include <linux/cpu.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/smp.h>

static int ipi_irq_base __ro_after_init;
static int nr_ipi __ro_after_init = NR_IPI;

static void ipi_setup(int cpu)
{
	int i;

	if (WARN_ON_ONCE(!ipi_irq_base))
		return;

	for (i = 0; i < nr_ipi; i++)
		enable_percpu_irq(ipi_irq_base + i, 0);
}

static void ipi_teardown(int cpu)
{
	int i;

	if (WARN_ON_ONCE(!ipi_irq_base))
		return;

	for (i = 0; i < nr_ipi; i++)
		disable_percpu_irq(ipi_irq_base + i);
}

asmlinkage notrace void secondary_start_kernel(void)
{
	unsigned int cpu = smp_processor_id();

	cpu_uninstall_idmap();
	cpuinfo_store_cpu();

	notify_cpu_starting(cpu);
	store_cpu_topology(cpu);

	set_cpu_online(cpu, true);
	ipi_setup(cpu);
	complete(&cpu_running);

	local_daif_restore(DAIF_PROCCTX);
	cpu_startup_entry(CPUHP_AP_ONLINE_IDLE);
}

int __cpu_disable(void)
{
	unsigned int cpu = smp_processor_id();
	int ret;

	ret = op_cpu_disable(cpu);
	if (ret)
		return ret;

	remove_cpu_topology(cpu);
	set_cpu_online(cpu, false);
	ipi_teardown(cpu);

	irq_migrate_all_off_this_cpu();
	return 0;
}
