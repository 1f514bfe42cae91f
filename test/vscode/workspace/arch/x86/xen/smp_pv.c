// SPDX-License-Identifier: GPL-2.0
/*
 * Test fixture (written for hotplug-race): bring-up in the safe order.
 * The IPI vectors are bound before the vCPU is started, and a failed
 * set-up stops the bring-up. Nothing here should be reported.
 */
#include <linux/cpu.h>
#include <xen/events.h>

static int xen_pv_cpu_up(unsigned int cpu, struct task_struct *idle)
{
	int rc;

	rc = xen_smp_intr_init(cpu);
	if (rc)
		return rc;

	rc = native_cpu_up(cpu, idle);
	return rc;
}
