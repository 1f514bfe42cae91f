// SPDX-License-Identifier: GPL-2.0
/*
 * Sample: a bring-up that binds the IPIs first but ignores a failure.
 *
 * The order is right, but WARN_ON() only prints: when xen_smp_intr_init()
 * fails the CPU is still brought online, with some vectors unbound, and
 * the first reschedule IPI to it hits BUG_ON in xen_send_IPI_one().
 *
 * Expected: HP002 on the xen_smp_intr_init() call in xen_pvh_cpu_up().
 */
#include <linux/cpu.h>
#include <linux/smp.h>
#include <xen/events.h>
#include <asm/smp.h>

#include "smp.h"

static int xen_pvh_cpu_up(unsigned int cpu, struct task_struct *tidle)
{
	WARN_ON(xen_smp_intr_init(cpu));

	return native_cpu_up(cpu, tidle);
}

void __init xen_pvh_smp_init(void)
{
	smp_ops.cpu_up = xen_pvh_cpu_up;
}
