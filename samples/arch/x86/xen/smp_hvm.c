// SPDX-License-Identifier: GPL-2.0
/*
 * Sample: Xen HVM vCPU bring-up in the shape it had before the 2013 fix.
 *
 * native_cpu_up() returns only once the new CPU has put itself in
 * cpu_online_mask, so the IPI event channels are bound too late: any CPU
 * that picks the new one from cpu_online_mask in between (RCU, the
 * clocksource watchdog, smp_call_function) hits BUG_ON in xen_send_IPI_one().
 *
 * Expected: HP001 on the native_cpu_up() call in xen_hvm_cpu_up().
 */
#include <linux/cpu.h>
#include <linux/smp.h>
#include <xen/events.h>
#include <asm/smp.h>

#include "smp.h"

static int xen_hvm_cpu_up(unsigned int cpu, struct task_struct *tidle)
{
	int rc;

	rc = native_cpu_up(cpu, tidle);
	WARN_ON(xen_smp_intr_init(cpu));
	return rc;
}

static void xen_hvm_cpu_die(unsigned int cpu)
{
	if (common_cpu_die(cpu) == 0)
		xen_smp_intr_free(cpu);
}

void __init xen_hvm_smp_init(void)
{
	if (!xen_have_vector_callback)
		return;

	smp_ops.cpu_up = xen_hvm_cpu_up;
	smp_ops.cpu_die = xen_hvm_cpu_die;
	smp_ops.send_call_func_ipi = xen_smp_send_call_function_ipi;
	smp_ops.smp_send_reschedule = xen_smp_send_reschedule;
}
