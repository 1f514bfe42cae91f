/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ACME_H
#define _ACME_H

#include <linux/interrupt.h>
#include <linux/sched.h>

#define ACME_RESCHEDULE_VECTOR		0
#define ACME_CALL_FUNCTION_VECTOR	1

int kick_and_wait(unsigned int cpu, struct task_struct *idle);
irqreturn_t acme_call_function_interrupt(int irq, void *dev_id);

/* Firmware call: starts the CPU at the secondary entry point. */
int acme_fw_start_cpu(unsigned int cpu, struct task_struct *idle);

#endif /* _ACME_H */
