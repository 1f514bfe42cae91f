// SPDX-License-Identifier: GPL-2.0
/*
 * Sample: an IPI interrupt enabled from a hot-plug state callback.
 *
 * CPUHP_AP_ONLINE_DYN callbacks run on the new CPU after it is already in
 * cpu_online_mask, so the per-CPU IPI interrupt is enabled too late: in
 * between, another CPU can send it an IPI that is never taken (the workqueue
 * and RCU online callbacks that run before this one already do).
 *
 * Expected: HP004 on the cpuhp_setup_state() call in acme_ipi_init().
 */
#include <linux/cpuhotplug.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/init.h>

static int acme_ipi_virq;

static int acme_ipi_starting_cpu(unsigned int cpu)
{
	enable_percpu_irq(acme_ipi_virq, irq_get_trigger_type(acme_ipi_virq));
	return 0;
}

static int __init acme_ipi_init(void)
{
	acme_ipi_virq = acme_ipi_map_virq();
	if (acme_ipi_virq <= 0)
		return -ENODEV;

	cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "irqchip/acme-ipi:online",
			  acme_ipi_starting_cpu, NULL);
	return 0;
}
early_initcall(acme_ipi_init);
