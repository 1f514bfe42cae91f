// Calls that end the CPU's path (panic, kexec) and boot-CPU publishers (boot_cpu_init) add nothing to a caller:
// without these rules every caller of panic() in the kernel inherits a "takes the running CPU offline" summary.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Project } from '../../../server/src/core/project';
import { KnowledgeBase } from '../../../server/src/core/kb/kb';

const STOP = `static void stop_self(void)
{
	set_cpu_online(smp_processor_id(), false);
	for (;;)
		cpu_relax();
}

void panic(const char *fmt, ...)
{
	stop_self();
}

void machine_kexec(struct kimage *image)
{
	stop_self();
}

static void acme_fatal(int err)
{
	if (err)
		panic("acme: fatal %d\\n", err);
}

static void acme_reboot_into(struct kimage *image)
{
	machine_kexec(image);
}

static void acme_halt_here(void)
{
	stop_self();
}
`;

test('a caller of panic() or machine_kexec() gets no summary from it; an ordinary wrapper does', () => {
  const p = new Project(KnowledgeBase.builtin());
  p.setFile('/k/panic.c', STOP);
  assert.ok(p.summary('panic')?.some((e) => e.role === 'offline' && e.cpu === 'self'), 'panic() itself takes its CPU offline');
  assert.ok(p.summary('acme_halt_here')?.some((e) => e.role === 'offline'), 'a plain wrapper inherits the effect');
  assert.equal(p.summary('acme_fatal'), undefined);
  assert.equal(p.summary('acme_reboot_into'), undefined);
});

const BOOT = (publisher: string) => `void ${publisher}(void)
{
	set_cpu_online(smp_processor_id(), true);
}

void init_IRQ(void)
{
	ipi_setup(smp_processor_id());
}

void start_kernel(void)
{
	${publisher}();
	init_IRQ();
}
`;

test('the boot CPU published by boot_cpu_init() before its IPIs is not a race; another wrapper is', () => {
  const p = new Project(KnowledgeBase.builtin());
  p.setFile('/k/main.c', BOOT('boot_cpu_init'));
  assert.deepEqual(p.findings('/k/main.c').filter((f) => f.function === 'start_kernel').map((f) => f.code), []);
  const q = new Project(KnowledgeBase.builtin());
  q.setFile('/k/main.c', BOOT('acme_cpu_init'));
  assert.deepEqual(q.findings('/k/main.c').filter((f) => f.function === 'start_kernel').map((f) => f.code), ['HP001']);
});
