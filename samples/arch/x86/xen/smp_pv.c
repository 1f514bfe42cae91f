// SPDX-License-Identifier: GPL-2.0
/*
 * Sample: Xen PV vCPU bring-up. The controlling CPU binds the new vCPU's
 * IPIs before VCPUOP_up starts it; the vCPU marks itself online later, in
 * cpu_bringup(). This order was always safe.
 *
 * Expected: no findings.
 */
#include <linux/cpu.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <xen/interface/vcpu.h>
#include <asm/xen/hypercall.h>

#include "smp.h"

static void cpu_bringup(void)
{
	int cpu;

	cpu_init();
	touch_softlockup_watchdog();

	cpu = smp_processor_id();
	smp_store_cpu_info(cpu);
	xen_setup_cpu_clockevents();

	notify_cpu_starting(cpu);
	set_cpu_online(cpu, true);

	this_cpu_write(cpu_state, CPU_ONLINE);
	local_irq_enable();
}

static int xen_pv_cpu_up(unsigned int cpu, struct task_struct *idle)
{
	int rc;

	rc = cpu_initialize_context(cpu, idle);
	if (rc)
		return rc;

	rc = xen_smp_intr_init(cpu);
	if (rc)
		return rc;

	/* make sure interrupts start blocked */
	per_cpu(xen_vcpu, cpu)->evtchn_upcall_mask = 1;

	rc = HYPERVISOR_vcpu_op(VCPUOP_up, xen_vcpu_nr(cpu), NULL);
	BUG_ON(rc);

	while (cpu_report_state(cpu) != CPU_ONLINE)
		HYPERVISOR_sched_op(SCHEDOP_yield, NULL);

	return 0;
}

static void xen_pv_cpu_die(unsigned int cpu)
{
	if (common_cpu_die(cpu) == 0) {
		xen_smp_intr_free(cpu);
		xen_uninit_lock_cpu(cpu);
	}
}

static const struct smp_ops xen_smp_ops __initconst = {
	.cpu_up = xen_pv_cpu_up,
	.cpu_die = xen_pv_cpu_die,
	.smp_send_reschedule = xen_smp_send_reschedule,
};
