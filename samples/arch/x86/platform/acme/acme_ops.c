// SPDX-License-Identifier: GPL-2.0
/*
 * Sample: an ops table. The generic code calls through function pointers
 * that a designated initialiser fills in; the analysis resolves
 * ops->boot_cpu and ops->init_ipi to the functions assigned to them.
 * acme_hotplug_cpu() boots the CPU (which waits until it is online) and only
 * then sets up its IPIs.
 *
 * Expected: HP001 on the ops->boot_cpu() call in acme_hotplug_cpu().
 */
#include <linux/cpu.h>
#include <linux/interrupt.h>
#include <xen/events.h>

#include "acme.h"

struct acme_hotplug_ops {
	int (*boot_cpu)(unsigned int cpu, struct task_struct *idle);
	int (*init_ipi)(unsigned int cpu);
};

static int acme_boot_cpu(unsigned int cpu, struct task_struct *idle)
{
	return native_cpu_up(cpu, idle);
}

static int acme_init_ipi(unsigned int cpu)
{
	int irq;

	irq = bind_ipi_to_irqhandler(ACME_CALL_FUNCTION_VECTOR, cpu,
				     acme_call_function_interrupt, IRQF_PERCPU,
				     "acme-callfunc", NULL);
	return irq < 0 ? irq : 0;
}

static const struct acme_hotplug_ops acme_default_ops = {
	.boot_cpu = acme_boot_cpu,
	.init_ipi = acme_init_ipi,
};

static const struct acme_hotplug_ops *ops = &acme_default_ops;

int acme_hotplug_cpu(unsigned int cpu, struct task_struct *idle)
{
	int err;

	err = ops->boot_cpu(cpu, idle);
	if (err)
		return err;

	return ops->init_ipi(cpu);
}
