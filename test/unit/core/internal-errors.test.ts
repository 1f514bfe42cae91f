// Issue 7: an exception inside the analysis becomes an HP900 on the function it hit (the others are still
// checked), and a file's findings call is bounded by fileBudgetMs.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Project } from '../../../server/src/core/project';
import { KnowledgeBase } from '../../../server/src/core/kb/kb';
import type { Finding, KbEntry } from '../../../server/src/core/types';

// The 2013 Xen bug (HP001), then a function calling `odd_cpu_hook`, whose knowledge-base entry below has a
// malformed `when` (`oneOf` a string, not a list): evaluating it throws inside the core.
const TEXT = `static int xen_hvm_cpu_up(unsigned int cpu, struct task_struct *tidle)
{
	int rc;

	rc = native_cpu_up(cpu, tidle);
	WARN_ON(xen_smp_intr_init(cpu));
	return rc;
}

static void odd_cpu_prepare(unsigned int cpu)
{
	odd_cpu_hook(cpu, 1);
}

static int later_cpu_up(unsigned int cpu, struct task_struct *tidle)
{
	set_cpu_online(cpu, true);
	return xen_smp_intr_init(cpu);
}
`;

// What the rules-file loader would reject (schema), but the core API accepts: the analysis must survive it.
const MALFORMED = { name: 'odd_cpu_hook', kind: 'function', role: 'ipi-setup', cpuArg: 0, when: [{ arg: 1, oneOf: '1' }], source: 'test' } as unknown as KbEntry;

function codes(fs: Finding[]): string[] {
  return fs.map((f) => `${f.function}:${f.code}`);
}

test('an exception while summarising a function is an HP900 on it; the other functions keep their findings', () => {
  const good = new Project(KnowledgeBase.builtin());
  good.setFile('x.c', TEXT);
  const expected = good.findings('x.c');
  assert.deepEqual(codes(expected), ['xen_hvm_cpu_up:HP001', 'later_cpu_up:HP001']);

  const p = new Project(KnowledgeBase.builtin().extend([MALFORMED]));
  p.setFile('x.c', TEXT);
  const fs = p.findings('x.c');
  assert.deepEqual(codes(fs), ['xen_hvm_cpu_up:HP001', 'odd_cpu_prepare:HP900', 'later_cpu_up:HP001']);
  const e = fs[1];
  assert.equal(e.severity, 'information');
  assert.match(e.message, /^`odd_cpu_prepare\(\)` was not checked \(while summarising\): internal error: .+; the other functions are still checked$/);
  // On the function's name, so the editor shows it there.
  assert.equal(TEXT.slice(e.span.start, e.span.end), 'odd_cpu_prepare');
  // The other findings are those of a project without the bad entry (same messages and places).
  assert.deepEqual(fs.filter((f) => f.code !== 'HP900').map((f) => [f.span.start, f.message]), expected.map((f) => [f.span.start, f.message]));
});

test('the internal-error HP900 stays after an edit elsewhere and goes when the function no longer hits the error', () => {
  const p = new Project(KnowledgeBase.builtin().extend([MALFORMED]));
  p.setFile('x.c', TEXT);
  assert.equal(p.findings('x.c').filter((f) => f.code === 'HP900').length, 1);
  // An edit in another function: the broken one keeps its summary state (and its HP900) through the incremental update.
  const at = TEXT.indexOf('\tint rc;');
  const edited = TEXT.slice(0, at) + '\t/* edit */\n' + TEXT.slice(at);
  p.setFile('x.c', edited, [{ startIndex: at, oldEndIndex: at, newEndIndex: at + 12, startPosition: { row: 2, column: 0 }, oldEndPosition: { row: 2, column: 0 }, newEndPosition: { row: 3, column: 0 } }]);
  assert.deepEqual(codes(p.findings('x.c')), ['xen_hvm_cpu_up:HP001', 'odd_cpu_prepare:HP900', 'later_cpu_up:HP001']);
  // The call removed: nothing throws any more.
  const fixed = edited.replace('odd_cpu_hook(cpu, 1);', 'barrier();');
  p.setFile('x.c', fixed);
  assert.deepEqual(codes(p.findings('x.c')), ['xen_hvm_cpu_up:HP001', 'later_cpu_up:HP001']);
});

test('findingsForText reports the internal error too, without a crash', () => {
  const p = new Project(KnowledgeBase.builtin().extend([MALFORMED]));
  p.setFile('x.c', 'void f(void)\n{\n}\n');
  assert.deepEqual(codes(p.findingsForText('x.c', TEXT)), ['xen_hvm_cpu_up:HP001', 'odd_cpu_prepare:HP900', 'later_cpu_up:HP001']);
  assert.deepEqual(p.findings('x.c'), []);
});

/** A kernel-style file of `n` bring-up functions with the HP001 order, each in its own wrapper. */
function manyFunctions(n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.push(`static int boot_${i}(unsigned int cpu, struct task_struct *idle)\n{\n\tint err = native_cpu_up(cpu, idle);\n\n\tif (err)\n\t\tpr_err("cpu %u: %d\\n", cpu, err);\n\treturn err;\n}\n`);
    out.push(`static int up_${i}(unsigned int cpu, struct task_struct *tidle)\n{\n\tint rc = boot_${i}(cpu, tidle);\n\n\tWARN_ON(xen_smp_intr_init(cpu));\n\treturn rc;\n}\n`);
  }
  return out.join('\n');
}

test('fileBudgetMs: the functions left unchecked get one HP900; later calls go on and end with the full findings', () => {
  const text = manyFunctions(150);
  const full = new Project(KnowledgeBase.builtin());
  full.setFile('big.c', text);
  const all = full.findings('big.c');
  assert.equal(all.length, 150);
  assert.ok(all.every((f) => f.code === 'HP001'));

  const p = new Project(KnowledgeBase.builtin(), { fileBudgetMs: 1 });
  p.setFile('big.c', text);
  let fs = p.findings('big.c');
  const budget = fs.filter((f) => f.code === 'HP900');
  // Reading 300 functions and their summaries takes more than 1 ms, so the checks stop early (where depends on the
  // machine's load: any function may be the first one left).
  assert.equal(budget.length, 1);
  assert.match(budget[0].message, /^The file's time budget of 1 ms ran out: `\w+\(\)` and \d+ more functions after it were not checked for hot-plug ordering/);
  assert.equal(budget[0].severity, 'information');
  const checked = fs.filter((f) => f.code === 'HP001');
  assert.ok(checked.length < 150, `${checked.length} functions checked within 1 ms`);
  // The HP900 sits on the first function not checked: every HP001 before it is there.
  assert.ok(checked.every((f) => f.span.start < budget[0].span.start));
  // Each call checks at least one more function, reusing those already checked.
  for (let i = 0; i < 200 && fs.some((f) => f.code === 'HP900'); i++) fs = p.findings('big.c');
  assert.deepEqual(fs.map((f) => [f.span.start, f.message]), all.map((f) => [f.span.start, f.message]));
});

test('fileBudgetMs defaults to 20 s and ignores invalid values', () => {
  const text = manyFunctions(20);
  for (const fileBudgetMs of [undefined, 0, -5, NaN]) {
    const p = new Project(KnowledgeBase.builtin(), { fileBudgetMs });
    p.setFile('b.c', text);
    assert.equal(p.findings('b.c').filter((f) => f.code === 'HP001').length, 20);
  }
});
