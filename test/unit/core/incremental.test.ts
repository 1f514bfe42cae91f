// Issue 6: after each edit (with tree-sitter edits, as the language server sends them) the findings equal those of a
// fresh project on the same text, and the per-function caches hold only functions still present.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Project, type TreeEdit } from '../../../server/src/core/project';
import { KnowledgeBase } from '../../../server/src/core/kb/kb';
import type { Finding } from '../../../server/src/core/types';

const DRIVER = `// SPDX-License-Identifier: GPL-2.0
#include <linux/cpu.h>

static int acme_kick(unsigned int cpu, struct task_struct *idle)
{
	int err = native_cpu_up(cpu, idle);

	if (err)
		pr_err("acme: cpu %u did not boot\\n", cpu);
	return err;
}

static int acme_cpu_up(unsigned int cpu, struct task_struct *tidle)
{
	int rc;

	rc = acme_kick(cpu, tidle);
	WARN_ON(xen_smp_intr_init(cpu));
	return rc;
}

static int acme_cpu_up_fixed(unsigned int cpu, struct task_struct *tidle)
{
	int rc = xen_smp_intr_init(cpu);

	if (rc)
		return rc;
	return acme_kick(cpu, tidle);
}

static void acme_cpu_die(unsigned int cpu)
{
	xen_smp_intr_free(cpu);
	set_cpu_online(cpu, false);
}

static void acme_secondary(void *unused)
{
	int cpu = smp_processor_id();

	notify_cpu_starting(cpu);
	set_cpu_online(cpu, true);
}

static const struct smp_ops acme_ops = {
	.cpu_up = acme_cpu_up_fixed,
	.cpu_die = acme_cpu_die,
};

static int acme_boot_through_ops(unsigned int cpu, struct task_struct *tidle)
{
	int rc = smp_ops.cpu_up(cpu, tidle);

	xen_smp_intr_init(cpu);
	return rc;
}
`;

/** Replaces the `nth` occurrence of `find` in `text`, with the tree edit the language server would send. */
function replace(text: string, find: string, by: string, nth = 0): { text: string; edit: TreeEdit } {
  let at = -1;
  for (let i = 0; i <= nth; i++) at = text.indexOf(find, at + 1);
  assert.ok(at >= 0, `no ${JSON.stringify(find)}`);
  const point = (t: string, i: number) => {
    const before = t.slice(0, i);
    const row = before.split('\n').length - 1;
    return { row, column: i - (before.lastIndexOf('\n') + 1) };
  };
  const next = text.slice(0, at) + by + text.slice(at + find.length);
  return {
    text: next,
    edit: { startIndex: at, oldEndIndex: at + find.length, newEndIndex: at + by.length, startPosition: point(text, at), oldEndPosition: point(text, at + find.length), newEndPosition: point(next, at + by.length) },
  };
}

function shown(fs: Finding[]): string[] {
  return fs.map((f) => `${f.code} ${f.function} ${f.span.startLine}:${f.span.startCol}-${f.span.endLine}:${f.span.endCol} @${f.span.start} ${f.message} [${f.related.map((r) => `${r.span.start}`).join(',')}] [${f.witness.map((w) => w.event.span.start).join(',')}]`);
}

function fresh(files: Record<string, string>, file: string): string[] {
  const p = new Project(KnowledgeBase.builtin());
  for (const [f, t] of Object.entries(files)) p.setFile(f, t);
  return shown(p.findings(file));
}

// Each step: [find, replace-by, what it exercises].
const STEPS: [string, string, string][] = [
  ['\tint rc;\n', '\tint rc;\n\t/* a comment line */\n', 'comment inside a function: the functions after it move'],
  ['return err;', 'return err; ', 'a space: same lines'],
  ['int err = native_cpu_up(cpu, idle);', 'int err = 0;', 'the wrapper no longer publishes: its callers lose HP001'],
  ['int err = 0;', 'int err = native_cpu_up(cpu, idle);', 'and publishes again'],
  ['static void acme_secondary', 'static void acme_secondary_renamed', 'a renamed function (the relevant set is recomputed)'],
  ['.cpu_up = acme_cpu_up_fixed,', '.cpu_up = acme_cpu_up,', 'an ops-table store changes'],
  ['#include <linux/cpu.h>\n', '#include <linux/cpu.h>\n\nstatic int acme_first(unsigned int cpu)\n{\n\tset_cpu_online(cpu, true);\n\treturn xen_smp_intr_init(cpu);\n}\n', 'a new function at the top: every function moves'],
  ['\txen_smp_intr_free(cpu);\n', '', 'HP003 fixed by deleting a line'],
  ['static int acme_cpu_up_fixed', 'static int  acme_cpu_up_fixed', 'a header edit (name column moves)'],
  ['{\n\tint rc = smp_ops', '{\n\tint rc = smp_ops', 'no change'],
];

test('after each edit the findings equal those of a fresh project on the same text', () => {
  const p = new Project(KnowledgeBase.builtin());
  let text = DRIVER;
  p.setFile('acme.c', text);
  assert.deepEqual(shown(p.findings('acme.c')), fresh({ 'acme.c': text }, 'acme.c'));
  assert.ok(p.findings('acme.c').length >= 3);
  for (const [find, by, what] of STEPS) {
    const r = replace(text, find, by);
    text = r.text;
    p.setFile('acme.c', text, [r.edit]);
    assert.deepEqual(shown(p.findings('acme.c')), fresh({ 'acme.c': text }, 'acme.c'), what);
  }
});

test('an edit of a wrapper in one file changes a caller findings in another, and moving it back restores them', () => {
  const wrapper = 'int acme_kick(unsigned int cpu, struct task_struct *idle)\n{\n\treturn native_cpu_up(cpu, idle);\n}\n';
  const user = 'static int acme_cpu_up(unsigned int cpu, struct task_struct *tidle)\n{\n\tint rc = acme_kick(cpu, tidle);\n\n\txen_smp_intr_init(cpu);\n\treturn rc;\n}\n';
  const p = new Project(KnowledgeBase.builtin());
  const files: Record<string, string> = { 'drivers/acme/kick.c': wrapper, 'drivers/acme/up.c': user };
  for (const [f, t] of Object.entries(files)) p.setFile(f, t);
  assert.deepEqual(p.findings('drivers/acme/up.c').map((f) => f.code), ['HP001']);
  let r = replace(files['drivers/acme/kick.c'], 'return native_cpu_up(cpu, idle);', 'return 0;');
  files['drivers/acme/kick.c'] = r.text;
  p.setFile('drivers/acme/kick.c', r.text, [r.edit]);
  assert.deepEqual(shown(p.findings('drivers/acme/up.c')), fresh(files, 'drivers/acme/up.c'));
  assert.deepEqual(p.findings('drivers/acme/up.c'), []);
  r = replace(files['drivers/acme/kick.c'], 'return 0;', '/* back */\n\treturn native_cpu_up(cpu, idle);');
  files['drivers/acme/kick.c'] = r.text;
  p.setFile('drivers/acme/kick.c', r.text, [r.edit]);
  assert.deepEqual(shown(p.findings('drivers/acme/up.c')), fresh(files, 'drivers/acme/up.c'));
  assert.deepEqual(p.findings('drivers/acme/up.c').map((f) => f.code), ['HP001']);
});

test('an edit that removes the origin of an effect in a cycle of calls leaves no summary holding itself up', () => {
  // d publishes and calls h; h calls d back (and tears down vectors, so both stay relevant); user races through h.
  // Once d no longer publishes, the kept summaries of d and h ("publishes" through each other) must not survive.
  const files: Record<string, string> = {
    'a/d.c': 'int plat_d(unsigned int cpu)\n{\n\tset_cpu_online(cpu, true);\n\tplat_h(cpu);\n\treturn 0;\n}\n',
    'b/h.c': 'int plat_h(unsigned int cpu)\n{\n\tplat_d(cpu);\n\txen_smp_intr_free(cpu);\n\treturn 0;\n}\n',
    'c/user.c': 'int plat_user(unsigned int cpu)\n{\n\tplat_h(cpu);\n\txen_smp_intr_init(cpu);\n\treturn 0;\n}\n',
  };
  const p = new Project(KnowledgeBase.builtin());
  for (const [f, t] of Object.entries(files)) p.setFile(f, t);
  assert.deepEqual(p.findings('c/user.c').map((f) => f.code), ['HP001']);
  const r = replace(files['a/d.c'], '\tset_cpu_online(cpu, true);\n', '');
  files['a/d.c'] = r.text;
  p.setFile('a/d.c', r.text, [r.edit]);
  assert.deepEqual(shown(p.findings('c/user.c')), fresh(files, 'c/user.c'));
  assert.deepEqual(p.findings('c/user.c'), []);
  assert.deepEqual(p.summary('plat_h')?.map((e) => e.role), ['ipi-teardown']);
});

test('the per-function caches hold only the functions still present, however many edits', () => {
  const n = 30;
  const fns: string[] = [];
  for (let i = 0; i < n; i++) fns.push(`static int up_${i}(unsigned int cpu, struct task_struct *tidle)\n{\n\tint rc = native_cpu_up(cpu, tidle);\n\n\txen_smp_intr_init(cpu);\n\treturn rc;\n}\n`);
  let text = fns.join('\n');
  const p = new Project(KnowledgeBase.builtin());
  p.setFile('many.c', text);
  assert.equal(p.findings('many.c').length, n);
  const initial = p.cacheStats();
  assert.deepEqual(initial, { findings: n, summaries: n });
  // 200 edits, each changing one function's text (a new statement, a different one each time).
  for (let k = 0; k < 200; k++) {
    const r = replace(text, '\treturn rc;', `\tudelay(${k});\n\treturn rc;`, k % n);
    text = r.text;
    p.setFile('many.c', text, [r.edit]);
    assert.equal(p.findings('many.c').length, n);
  }
  assert.deepEqual(p.cacheStats(), initial);
  p.removeFile('many.c');
  // (summaries are brought up to date lazily, on the next query)
  assert.equal(p.summary('up_0'), undefined);
  assert.deepEqual(p.cacheStats(), { findings: 0, summaries: 0 });
});

test('a changed ops-table store changes the summaries of the functions that call through that field, and their callers', () => {
  const files: Record<string, string> = {
    'a/boot.c': 'int acme_boot_one(unsigned int cpu)\n{\n\treturn native_cpu_up(cpu, NULL);\n}\n\nint acme_free(unsigned int cpu)\n{\n\txen_smp_intr_free(cpu);\n\treturn 0;\n}\n',
    'b/ops.c': 'static const struct acme_ops ops = {\n\t.start = acme_free,\n};\n',
    'c/via.c': 'int acme_via(struct acme_dev *d, unsigned int cpu)\n{\n\treturn d->ops->start(cpu);\n}\n',
    'd/top.c': 'int acme_top(struct acme_dev *d, unsigned int cpu)\n{\n\tint rc = acme_via(d, cpu);\n\n\txen_smp_intr_init(cpu);\n\treturn rc;\n}\n',
  };
  const p = new Project(KnowledgeBase.builtin());
  for (const [f, t] of Object.entries(files)) p.setFile(f, t);
  assert.deepEqual(p.findings('d/top.c'), []);
  assert.deepEqual(p.summary('acme_via')?.map((e) => e.role), ['ipi-teardown']);
  // only the store changes: acme_via's text does not, yet it now publishes the CPU
  let r = replace(files['b/ops.c'], '.start = acme_free,', '.start = acme_boot_one,');
  files['b/ops.c'] = r.text;
  p.setFile('b/ops.c', r.text, [r.edit]);
  assert.deepEqual(p.summary('acme_via')?.map((e) => e.role), ['online-sync']);
  assert.deepEqual(shown(p.findings('d/top.c')), fresh(files, 'd/top.c'));
  assert.deepEqual(p.findings('d/top.c').map((f) => f.code), ['HP001']);
  // a new file with a nearer store for another field leaves acme_via alone; the old target back restores all
  p.setFile('c/ops2.c', 'static const struct acme_ops2 ops2 = {\n\t.stop = acme_free,\n};\n');
  files['c/ops2.c'] = 'static const struct acme_ops2 ops2 = {\n\t.stop = acme_free,\n};\n';
  assert.deepEqual(shown(p.findings('d/top.c')), fresh(files, 'd/top.c'));
  r = replace(files['b/ops.c'], '.start = acme_boot_one,', '.start = acme_free,');
  files['b/ops.c'] = r.text;
  p.setFile('b/ops.c', r.text, [r.edit]);
  assert.deepEqual(shown(p.findings('d/top.c')), fresh(files, 'd/top.c'));
  assert.deepEqual(p.findings('d/top.c'), []);
});
