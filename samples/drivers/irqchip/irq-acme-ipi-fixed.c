// SPDX-License-Identifier: GPL-2.0
/*
 * Sample: the same IPI interrupt, enabled in a STARTING state. STARTING
 * callbacks run on the new CPU with interrupts off, before it marks itself
 * online, so the IPI is ready when the CPU becomes visible.
 *
 * Expected: no findings.
 */
#include <linux/cpuhotplug.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/init.h>

static int acme2_ipi_virq;

static int acme2_ipi_starting_cpu(unsigned int cpu)
{
	enable_percpu_irq(acme2_ipi_virq, irq_get_trigger_type(acme2_ipi_virq));
	return 0;
}

static int acme2_ipi_dying_cpu(unsigned int cpu)
{
	disable_percpu_irq(acme2_ipi_virq);
	return 0;
}

static int __init acme2_ipi_init(void)
{
	acme2_ipi_virq = acme_ipi_map_virq();
	if (acme2_ipi_virq <= 0)
		return -ENODEV;

	cpuhp_setup_state(CPUHP_AP_IRQ_ACME_IPI_STARTING, "irqchip/acme-ipi:starting",
			  acme2_ipi_starting_cpu, acme2_ipi_dying_cpu);
	return 0;
}
early_initcall(acme2_ipi_init);
