// SPDX-License-Identifier: GPL-2.0
/* Fuzz seed: kick-style bring-up through a hypercall, with a helper in between. */
#include <linux/cpu.h>
#include <linux/delay.h>
#include <xen/interface/vcpu.h>

static int kick_and_wait(int cpu)
{
	int rc;

	rc = HYPERVISOR_vcpu_op(VCPUOP_up, xen_vcpu_nr(cpu), NULL);
	if (rc)
		return rc;
	while (cpu_report_state(cpu) != CPU_ONLINE)
		HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
	return 0;
}

static int pv_cpu_up(unsigned int cpu, struct task_struct *idle)
{
	int rc;

	rc = cpu_initialize_context(cpu, idle);
	if (rc)
		return rc;

	rc = kick_and_wait(cpu);
	if (rc)
		return rc;

	rc = xen_smp_intr_init(cpu);	/* too late: the vCPU is already running */
	if (rc)
		pr_warn("cpu%d: no IPIs (%d)\n", cpu, rc);
	return 0;
}

static int pv_cpu_up_ok(unsigned int cpu, struct task_struct *idle)
{
	int rc = xen_smp_intr_init(cpu);

	if (rc)
		return rc;
	rc = cpu_initialize_context(cpu, idle);
	if (rc) {
		xen_smp_intr_free(cpu);
		return rc;
	}
	return kick_and_wait(cpu);
}

#define ONLINE_CPU(c) set_cpu_online((c), true)
static void __init pv_boot_cpu(void)
{
	ONLINE_CPU(per_cpu(boot_cpu_id, 0));
	xen_smp_intr_init(0);
}
