// Stack safety: syntax trees 100,000 levels deep must not overflow any recursive walk of the analysis.
// Each shape sits in its own function next to a real bug; the bug must still be found and the calls must return.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KnowledgeBase } from '../../../server/src/core/kb/kb';
import { Project } from '../../../server/src/core/project';

const DEEP = 100_000;

const BUGGY = `
static int pv_hvm_cpu_up(unsigned int cpu, struct task_struct *tidle)
{
	int rc;

	rc = native_cpu_up(cpu, tidle);
	WARN_ON(xen_smp_intr_init(cpu));
	return rc;
}
`;

/** Bodies whose trees are as deep as they are long. */
const SHAPES: Record<string, string> = {
  parens: 'rc = ' + '('.repeat(DEEP) + 'native_cpu_up(cpu, tidle)' + ')'.repeat(DEEP) + ';',
  'unbalanced parens': 'rc = ' + '('.repeat(DEEP) + 'native_cpu_up(cpu, tidle);',
  braces: '{'.repeat(DEEP) + 'set_cpu_online(cpu, true); xen_smp_intr_init(cpu);' + '}'.repeat(DEEP),
  'unbalanced braces': '{'.repeat(DEEP) + 'set_cpu_online(cpu, true);',
  brackets: 'x = v' + '['.repeat(DEEP) + '0' + ']'.repeat(DEEP) + ';',
  'if chain': 'if (a) '.repeat(DEEP) + 'native_cpu_up(cpu, tidle);',
  'else-if chain': 'if (a) x(); else '.repeat(DEEP / 4) + 'xen_smp_intr_init(cpu);',
  'binary chain': 'rc = ' + 'a + '.repeat(DEEP) + 'native_cpu_up(cpu, tidle);',
  'unary chain': 'rc = ' + '!'.repeat(DEEP) + 'xen_smp_intr_init(cpu);',
  'cast chain': 'rc = ' + '(int)'.repeat(DEEP / 2) + 'rc;',
  'label chain': 'l: '.repeat(DEEP / 4) + 'native_cpu_up(cpu, tidle);',
  'while chain': 'while (a) '.repeat(DEEP / 2) + 'smp_send_reschedule(cpu);',
  'ternary chain': 'x = ' + 'a ? b : '.repeat(DEEP / 4) + 'c;',
  'nested calls': 'rc = ' + 'f('.repeat(DEEP / 4) + 'native_cpu_up(cpu, tidle)' + ')'.repeat(DEEP / 4) + ';',
  'do-while nest': 'do { '.repeat(DEEP / 8) + 'native_cpu_up(cpu, tidle);' + ' } while (0);'.repeat(DEEP / 8),
  'member chain': 'p' + '->next'.repeat(DEEP / 2) + '->cpu_up(cpu, idle);',
  'comma chain': 'rc = (' + 'a, '.repeat(DEEP) + 'native_cpu_up(cpu, tidle));',
  'assignment chain': 'a = '.repeat(DEEP / 2) + 'native_cpu_up(cpu, tidle);',
  'initializer nest': 'int v[] = ' + '{'.repeat(DEEP / 10) + '0' + '}'.repeat(DEEP / 10) + ';',
};

const PREPROCESSOR: Record<string, string> = {
  '#ifdef nest': '#ifdef CONFIG_X\n'.repeat(DEEP / 10) + 'static int y;\n' + '#endif\n'.repeat(DEEP / 10),
  'unclosed #ifdef nest': '#ifdef CONFIG_X\n'.repeat(DEEP / 10) + 'static int y;\n',
};

function fileWith(body: string): string {
  return `// SPDX-License-Identifier: GPL-2.0\n#include <linux/cpu.h>\n${BUGGY}\nstatic int deep(unsigned int cpu, struct task_struct *tidle)\n{\n\tint rc, a, b, c, x, *p;\n\t${body}\n\treturn rc;\n}\n`;
}

function exercise(name: string, text: string): void {
  const project = new Project(KnowledgeBase.builtin(), { functionBudgetMs: 2000 });
  const file = `/deep/${name.replace(/\W+/g, '-')}.c`;
  // CPU time, not wall time: the bound must hold on a loaded machine too.
  const c0 = process.cpuUsage();
  project.setFile(file, text);
  const findings = project.findings(file);
  const fns = project.functions(file);
  for (const at of [0, text.indexOf('deep('), text.length >> 1, text.length - 3, text.length]) {
    project.hoverAt(file, at);
    project.functionAt(file, at);
  }
  project.findingsForText(file, text + '\n');
  const used = process.cpuUsage(c0);
  const ms = Math.round((used.user + used.system) / 1000);
  // The ordinary bug next door is still reported (by its function), whatever the deep function did.
  assert.ok(
    findings.some((f) => f.code === 'HP001' && f.function === 'pv_hvm_cpu_up'),
    `${name}: HP001 in pv_hvm_cpu_up is missing; got ${findings.map((f) => `${f.code}@${f.function}`).join(', ') || 'nothing'}`,
  );
  assert.ok(fns.some((f) => f.name === 'pv_hvm_cpu_up'), `${name}: functions() lost pv_hvm_cpu_up`);
  // Two functions with a 2 s budget each, a 10 s parse limit, and slack: past this the budget is not enforced.
  assert.ok(ms < 20_000, `${name}: took ${ms} ms of CPU`);
}

for (const [name, body] of Object.entries(SHAPES)) {
  test(`deep nesting does not overflow the stack: ${name}`, () => exercise(name, fileWith(body)));
}

for (const [name, prefix] of Object.entries(PREPROCESSOR)) {
  // The buggy function comes first, so an unclosed #ifdef after it cannot hide it.
  test(`deep nesting does not overflow the stack: ${name}`, () => exercise(name, `#include <linux/cpu.h>\n${BUGGY}\n${prefix}`));
}

test('a deep function still gets its own finding or an analysis-limit note', () => {
  const project = new Project(KnowledgeBase.builtin(), { functionBudgetMs: 2000 });
  const body = '{'.repeat(DEEP) + 'rc = native_cpu_up(cpu, tidle); xen_smp_intr_init(cpu);' + '}'.repeat(DEEP);
  project.setFile('/deep/own.c', fileWith(body));
  const own = project.findings('/deep/own.c').filter((f) => f.function === 'deep');
  assert.ok(own.some((f) => f.code === 'HP001' || f.code === 'HP900'), `deep(): got ${own.map((f) => f.code).join(', ') || 'nothing'}`);
});
