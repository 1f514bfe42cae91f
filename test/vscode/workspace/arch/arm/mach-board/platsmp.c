// SPDX-License-Identifier: GPL-2.0
/*
 * Test fixture (written for hotplug-race): the workspace rules file says
 * board_fw_boot_cpu() starts the CPU. Its IPIs are bound only afterwards.
 */
#include <linux/smp.h>

static int board_boot_secondary(unsigned int cpu, struct task_struct *idle)
{
	board_fw_boot_cpu(cpu);
	return xen_smp_intr_init(cpu);
}
