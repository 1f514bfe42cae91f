// SPDX-License-Identifier: GPL-2.0
/*
 * Test fixture (written for hotplug-race): a Xen HVM vCPU bring-up in the
 * shape of the 2013 bug. The vCPU is online once native_cpu_up() returns,
 * but its IPI vectors are only bound afterwards.
 */
#include <linux/cpu.h>
#include <linux/smp.h>
#include <xen/events.h>

static int xen_hvm_cpu_up(unsigned int cpu, struct task_struct *tidle)
{
	int rc;

	rc = native_cpu_up(cpu, tidle);
	WARN_ON(xen_smp_intr_init(cpu));
	return rc;
}

void __init xen_hvm_smp_init(void)
{
	smp_ops.cpu_up = xen_hvm_cpu_up;
}
