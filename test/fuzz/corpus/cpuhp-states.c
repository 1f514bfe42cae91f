// SPDX-License-Identifier: GPL-2.0
/* Fuzz seed: IPI parent interrupt enabled from hot-plug state callbacks. */
#include <linux/cpuhotplug.h>
#include <linux/interrupt.h>
#include <linux/irqdomain.h>

static int sbi_ipi_virq;

static int sbi_ipi_starting_cpu(unsigned int cpu)
{
	enable_percpu_irq(sbi_ipi_virq, irq_get_trigger_type(sbi_ipi_virq));
	return 0;
}

static int sbi_ipi_dying_cpu(unsigned int cpu)
{
	disable_percpu_irq(sbi_ipi_virq);
	return 0;
}

void __init sbi_ipi_init(void)
{
	int virq;
	struct irq_domain *domain;

	if (riscv_ipi_have_virq_range())
		return;

	domain = irq_find_matching_fwnode(riscv_get_intc_hwnode(),
					  DOMAIN_BUS_ANY);
	if (!domain) {
		pr_err("unable to find INTC IRQ domain\n");
		return;
	}

	virq = irq_create_mapping(domain, RV_IRQ_SOFT);
	if (!virq) {
		pr_err("unable to create INTC IRQ mapping\n");
		return;
	}
	sbi_ipi_virq = virq;

	cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "irqchip/sbi-ipi:starting",
			  sbi_ipi_starting_cpu, sbi_ipi_dying_cpu);
	cpuhp_setup_state_nocalls(CPUHP_AP_IRQ_RISCV_SBI_IPI_STARTING,
				  "irqchip/sbi-ipi:early", sbi_ipi_starting_cpu,
				  NULL);
	pr_info("providing IPIs using SBI IPI extension\n");
}
