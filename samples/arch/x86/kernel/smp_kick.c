// SPDX-License-Identifier: GPL-2.0
/*
 * Sample: a wrapper in one file. kick_and_wait() brings a CPU up through
 * native_cpu_up(), so it returns with the CPU online. Its callers in other
 * files inherit that (see arch/x86/platform/acme/acme_boot.c).
 *
 * Expected: no findings in this file.
 */
#include <linux/cpu.h>
#include <linux/printk.h>
#include <asm/smp.h>

int kick_and_wait(unsigned int cpu, struct task_struct *idle)
{
	int ret;

	ret = native_cpu_up(cpu, idle);
	if (ret)
		pr_err("CPU%u: did not come online: %d\n", cpu, ret);
	return ret;
}
