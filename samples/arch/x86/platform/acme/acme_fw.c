// SPDX-License-Identifier: GPL-2.0
/*
 * Sample: a CPU started by a firmware call whose body is not in the tree.
 * samples/.hotplug-race.json tells the checker that acme_fw_start_cpu()
 * kicks the CPU (role "online-kick"). The IPIs are set up before the kick,
 * so the order is right with or without that rule.
 *
 * Expected: no findings.
 */
#include <linux/cpu.h>
#include <xen/events.h>

#include "acme.h"

int acme_fw_cpu_up(unsigned int cpu, struct task_struct *idle)
{
	int rc;

	rc = xen_smp_intr_init(cpu);
	if (rc)
		return rc;

	return acme_fw_start_cpu(cpu, idle);
}
