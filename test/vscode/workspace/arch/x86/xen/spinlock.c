// SPDX-License-Identifier: GPL-2.0
/*
 * Test fixture (written for hotplug-race): a set-up whose status is dropped
 * before the CPU is published (HP002 shape).
 */
#include <linux/cpu.h>
#include <xen/events.h>

static int xen_pvh_cpu_up(unsigned int cpu, struct task_struct *idle)
{
	xen_smp_intr_init(cpu);
	return native_cpu_up(cpu, idle);
}
