// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz seed: a para-virtual guest that brings a vCPU up through the native
 * path and only then binds its IPI event channels (the 2013 ordering bug).
 */
#include <linux/cpu.h>
#include <linux/smp.h>
#include <linux/interrupt.h>
#include <asm/smp.h>

static DEFINE_PER_CPU(int, pv_resched_irq) = -1;
static DEFINE_PER_CPU(int, pv_callfunc_irq) = -1;

static irqreturn_t pv_reschedule_interrupt(int irq, void *dev_id)
{
	scheduler_ipi();
	return IRQ_HANDLED;
}

static int pv_hvm_cpu_up(unsigned int cpu, struct task_struct *tidle)
{
	int rc;

	rc = native_cpu_up(cpu, tidle);
	WARN_ON(xen_smp_intr_init(cpu));

	return rc;
}

static int pv_hvm_cpu_up_fixed(unsigned int cpu, struct task_struct *tidle)
{
	int rc;

	/* Vectors first: another CPU may find this one in cpu_online_mask. */
	rc = xen_smp_intr_init(cpu);
	WARN_ON(rc);
	if (!rc)
		rc = native_cpu_up(cpu, tidle);
	return rc;
}

static void pv_hvm_cpu_die(unsigned int cpu)
{
	if (common_cpu_die(cpu) == 0)
		xen_smp_intr_free(cpu);
}

void __init pv_hvm_smp_init(void)
{
	if (!pv_have_vector_callback)
		return;
	smp_ops.cpu_up = pv_hvm_cpu_up;
	smp_ops.cpu_die = pv_hvm_cpu_die;
	smp_ops.smp_send_reschedule = pv_smp_send_reschedule;
}
