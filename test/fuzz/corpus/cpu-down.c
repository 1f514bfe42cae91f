// SPDX-License-Identifier: GPL-2.0
/* Fuzz seed: offline paths, teardown before and after the CPU leaves the mask. */
#include <linux/cpu.h>
#include <linux/smp.h>

static int pv_cpu_disable(void)
{
	unsigned int cpu = smp_processor_id();

	if (cpu == 0)
		return -EBUSY;

	xen_smp_intr_free(cpu);		/* vectors gone while still online */
	set_cpu_online(cpu, false);
	fixup_irqs();
	return 0;
}

static int pv_cpu_disable_ok(void)
{
	unsigned int cpu = smp_processor_id();

	set_cpu_online(cpu, false);
	ipi_teardown(cpu);
	return 0;
}

static void pv_cpu_die(unsigned int cpu)
{
	switch (common_cpu_die(cpu)) {
	case 0:
		xen_smp_intr_free(cpu);
		break;
	default:
		pr_err("CPU %u didn't die...\n", cpu);
		goto out;
	}
	xen_uninit_lock_cpu(cpu);
out:
	return;
}

static void loop_all(void)
{
	int cpu;

	for_each_online_cpu(cpu) {
		if (cpu == smp_processor_id())
			continue;
		smp_send_reschedule(cpu);
	}
}
