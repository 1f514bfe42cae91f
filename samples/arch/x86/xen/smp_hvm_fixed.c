// SPDX-License-Identifier: GPL-2.0
/*
 * Sample: the same Xen HVM bring-up in the fixed order.
 *
 * The IPI event channels are bound first, the result is kept, and the CPU
 * is brought up only if the binding worked. The spinlock kicker is bound
 * after the CPU is online on purpose: its sender checks for an unbound irq
 * (the kb marks xen_init_lock_cpu as guarded), so it is no finding.
 *
 * Expected: no findings.
 */
#include <linux/cpu.h>
#include <linux/smp.h>
#include <xen/events.h>
#include <asm/smp.h>

#include "smp.h"

static int xen_hvm_cpu_up(unsigned int cpu, struct task_struct *tidle)
{
	int rc;

	/*
	 * The event channels must be bound before native_cpu_up(): the new
	 * CPU marks itself online inside it.
	 */
	rc = xen_smp_intr_init(cpu);
	WARN_ON(rc);
	if (!rc)
		rc = native_cpu_up(cpu, tidle);

	/* Late on purpose: xen_qlock_kick() skips an unbound kicker. */
	xen_init_lock_cpu(cpu);
	return rc;
}

void __init xen_hvm_smp_init_fixed(void)
{
	if (!xen_have_vector_callback)
		return;

	smp_ops.cpu_up = xen_hvm_cpu_up;
	smp_ops.smp_send_reschedule = xen_smp_send_reschedule;
}
