// SPDX-License-Identifier: GPL-2.0
/* Fuzz seed: the booting CPU's own path (AP side), right and wrong order. */
#include <linux/cpu.h>
#include <linux/smp.h>
#include <linux/irq.h>

static int ipi_irq_base __read_mostly;
static unsigned int nr_ipi __read_mostly = 7;

static void ipi_setup(int cpu)
{
	int i;

	if (WARN_ON_ONCE(!ipi_irq_base))
		return;
	for (i = 0; i < nr_ipi; i++)
		enable_percpu_irq(ipi_irq_base + i, 0);
}

asmlinkage notrace void secondary_start_kernel(void)
{
	unsigned int cpu = smp_processor_id();
	struct mm_struct *mm = &init_mm;

	mmgrab(mm);
	current->active_mm = mm;
	cpu_uninstall_idmap();
	rcu_cpu_starting(cpu);
	notify_cpu_starting(cpu);

	set_cpu_online(cpu, true);	/* published before the vectors exist */
	ipi_setup(cpu);

	complete(&cpu_running);
	local_daif_restore(DAIF_PROCCTX);
	cpu_startup_entry(CPUHP_AP_ONLINE_IDLE);
}

static void __cpuinit smp_callin(void)
{
	int cpu = smp_processor_id();

	riscv_ipi_enable();
	notify_cpu_starting(cpu);
	set_cpu_online(cpu, 1);
	local_irq_enable();
	cpu_startup_entry(CPUHP_AP_ONLINE_IDLE);
}
