/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _FUZZ_SMP_OPS_H
#define _FUZZ_SMP_OPS_H

#include <linux/types.h>
#include <linux/cpumask.h>

struct task_struct;

struct smp_ops {
	void (*smp_prepare_boot_cpu)(void);
	void (*smp_prepare_cpus)(unsigned max_cpus);
	void (*smp_cpus_done)(unsigned max_cpus);
	void (*smp_send_stop)(void);
	void (*smp_send_reschedule)(int cpu);
	int (*cpu_up)(unsigned cpu, struct task_struct *tidle);
	int (*cpu_disable)(void);
	void (*cpu_die)(unsigned int cpu);
	void (*play_dead)(void);
	void (*send_call_func_ipi)(const struct cpumask *mask);
	void (*send_call_func_single_ipi)(int cpu);
};

extern struct smp_ops smp_ops;

#define raw_cpu_ready(cpu)	(per_cpu(cpu_state, (cpu)) == CPU_ONLINE)
#define for_each_ready_cpu(cpu, mask)				\
	for ((cpu) = -1; (cpu) = cpumask_next((cpu), (mask)),	\
	     (cpu) < nr_cpu_ids;)					\
		if (!raw_cpu_ready(cpu)) {} else

static inline int __cpu_up(unsigned int cpu, struct task_struct *tidle)
{
	return smp_ops.cpu_up(cpu, tidle);
}

static inline void smp_send_reschedule(int cpu)
{
	smp_ops.smp_send_reschedule(cpu);
}

#endif /* _FUZZ_SMP_OPS_H */
