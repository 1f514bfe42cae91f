// SPDX-License-Identifier: GPL-2.0
/*
 * Sample: the booting CPU's side (arm-like), mirror image of the arm64 one.
 *
 * secondary_start_kernel() enables the IPIs before the CPU goes online:
 * correct. __cpu_disable() disables them while the CPU is still in
 * cpu_online_mask: a CPU that read the mask just before can still send an
 * IPI that is never taken, and a cross-call waiter spins forever.
 *
 * Expected: HP003 on ipi_teardown() in __cpu_disable().
 *           No finding in secondary_start_kernel().
 */
#include <linux/cpu.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/smp.h>

static int ipi_irq_base __read_mostly;
static int nr_ipi __read_mostly = NR_IPI;

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

asmlinkage void secondary_start_kernel(struct task_struct *task)
{
	unsigned int cpu;

	set_current(task);
	cpu = smp_processor_id();

	cpu_init();
	notify_cpu_starting(cpu);

	ipi_setup(cpu);
	calibrate_delay();

	smp_store_cpu_info(cpu);
	set_cpu_online(cpu, true);

	local_irq_enable();
	local_fiq_enable();
	cpu_startup_entry(CPUHP_AP_ONLINE_IDLE);
}

int __cpu_disable(void)
{
	unsigned int cpu = smp_processor_id();
	int ret;

	ret = platform_cpu_kill_prepare(cpu);
	if (ret)
		return ret;

	ipi_teardown(cpu);
	set_cpu_online(cpu, false);

	irq_migrate_all_off_this_cpu();
	return 0;
}
