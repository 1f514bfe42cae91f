// SPDX-License-Identifier: GPL-2.0
/*
 * Sample: a platform bring-up that uses the kick_and_wait() wrapper from
 * arch/x86/kernel/smp_kick.c and binds its reschedule IPI afterwards. The
 * CPU is already online when kick_and_wait() returns.
 *
 * Expected: HP001 on the kick_and_wait() call in acme_cpu_up(), naming the
 *           chain kick_and_wait() -> native_cpu_up().
 */
#include <linux/cpu.h>
#include <linux/interrupt.h>
#include <xen/events.h>

#include "acme.h"

static DEFINE_PER_CPU(int, acme_resched_irq) = -1;

static irqreturn_t acme_resched_interrupt(int irq, void *dev_id)
{
	scheduler_ipi();
	return IRQ_HANDLED;
}

static int acme_cpu_up(unsigned int cpu, struct task_struct *idle)
{
	int ret;

	ret = kick_and_wait(cpu, idle);
	if (ret)
		return ret;

	ret = bind_ipi_to_irqhandler(ACME_RESCHEDULE_VECTOR, cpu,
				     acme_resched_interrupt, IRQF_PERCPU,
				     "acme-resched", NULL);
	if (ret < 0)
		return ret;
	per_cpu(acme_resched_irq, cpu) = ret;
	return 0;
}

void __init acme_smp_init(void)
{
	smp_ops.cpu_up = acme_cpu_up;
}
