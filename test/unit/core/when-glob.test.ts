// A per-CPU IRQ enable counts as IPI set-up only when the IRQ is an IPI (`when` glob `*ipi*`).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Project } from '../../../server/src/core/project';
import { KnowledgeBase } from '../../../server/src/core/kb/kb';

function codesOf(text: string, kb = KnowledgeBase.builtin()): string[] {
  const p = new Project(kb);
  p.setFile('/t/smp.c', text);
  return p.findings('/t/smp.c').map((f) => `${f.function}:${f.code}`).sort();
}

const AP = (irq: string) => `
void secondary_start_kernel(void)
{
	unsigned int cpu = smp_processor_id();

	notify_cpu_starting(cpu);
	set_cpu_online(cpu, true);
	enable_percpu_irq(${irq}, 0);
	local_irq_enable();
}
`;

test('an IPI interrupt enabled after the CPU is online is HP001', () => {
  assert.deepEqual(codesOf(AP('ipi_irq_base + i')), ['secondary_start_kernel:HP001']);
  assert.deepEqual(codesOf(AP('per_cpu(sbi_IPI_virq, cpu)')), ['secondary_start_kernel:HP001']);
});

test('a timer or PMU interrupt enabled after online is not an IPI set-up', () => {
  assert.deepEqual(codesOf(AP('arch_timer_ppi[ARCH_TIMER_VIRT_PPI]')), []);
  assert.deepEqual(codesOf(AP('pmu->irq')), []);
});

test('a rules file may use globs in when values too', () => {
  const kb = KnowledgeBase.builtin().extend([
    { name: 'plat_irq_on', kind: 'function', role: 'ipi-setup', cpuArg: 'self', when: [{ arg: 0, oneOf: ['PLAT_*_IPI'] }], source: 'test' },
  ]);
  const text = (irq: string) => `
void plat_secondary(void)
{
	set_cpu_online(smp_processor_id(), true);
	plat_irq_on(${irq});
}
`;
  assert.deepEqual(codesOf(text('PLAT_RESCHED_IPI'), kb), ['plat_secondary:HP001']);
  assert.deepEqual(codesOf(text('PLAT_TIMER'), kb), []);
});
