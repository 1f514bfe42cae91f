// The Project API on real fixtures: messages, witnesses, sides, related locations, hover, summaries, edits.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Project } from '../../../server/src/core/project';
import { KnowledgeBase } from '../../../server/src/core/kb/kb';
import { fixture, offsetOf, projectOf, read } from './helpers';

const SEED = `static int xen_hvm_cpu_up(unsigned int cpu, struct task_struct *tidle)
{
	int rc;

	rc = native_cpu_up(cpu, tidle);
	WARN_ON (xen_smp_intr_init(cpu));
	return rc;
}
`;
const SEED_FIXED = `static int xen_hvm_cpu_up(unsigned int cpu, struct task_struct *tidle)
{
	int rc;

	rc = xen_smp_intr_init(cpu);
	WARN_ON(rc);
	if (!rc)
		rc = native_cpu_up(cpu, tidle);
	return rc;
}
`;

function project(): Project {
  return new Project(KnowledgeBase.builtin());
}

test('the seed: one HP001 with exact message, span, related location, side and witness', () => {
  const p = project();
  p.setFile('smp.c', SEED);
  const fs = p.findings('smp.c');
  assert.equal(fs.length, 1);
  const f = fs[0];
  assert.equal(f.code, 'HP001');
  assert.equal(f.severity, 'error');
  assert.equal(f.function, 'xen_hvm_cpu_up');
  assert.equal(f.cpu, 'cpu');
  assert.equal(f.side, 'bp');
  assert.equal(f.message, 'CPU `cpu` is published online by `native_cpu_up()` at line 5 before its IPI vectors are set up by `xen_smp_intr_init()` at line 6');
  assert.equal(SEED.slice(f.span.start, f.span.end), 'native_cpu_up(cpu, tidle)');
  assert.deepEqual([f.span.startLine, f.span.startCol], [4, 6]);
  assert.equal(f.related.length, 1);
  assert.equal(SEED.slice(f.related[0].span.start, f.related[0].span.end), 'xen_smp_intr_init(cpu)');
  assert.deepEqual(f.witness.map((w) => [w.event.role, w.event.callee]), [['online-sync', 'native_cpu_up'], ['ipi-setup', 'xen_smp_intr_init']]);
  assert.equal(f.primary.via.length, 1);
  assert.equal(f.functionSpan.start, 0);
});

test('the fixed seed has no finding; incremental edits reach the same result as a fresh parse', () => {
  const p = project();
  p.setFile('smp.c', SEED);
  assert.equal(p.findings('smp.c').length, 1);
  // Replace the body with the fixed one through a tree-sitter edit.
  const start = SEED.indexOf('\trc = native_cpu_up');
  const oldEnd = SEED.indexOf('\treturn rc;');
  const newText = SEED_FIXED;
  const newEnd = newText.indexOf('\treturn rc;');
  const pos = (t: string, i: number) => ({ row: t.slice(0, i).split('\n').length - 1, column: i - t.lastIndexOf('\n', i - 1) - 1 });
  p.setFile('smp.c', newText, [{ startIndex: start, oldEndIndex: oldEnd, newEndIndex: newEnd, startPosition: pos(SEED, start), oldEndPosition: pos(SEED, oldEnd), newEndPosition: pos(newText, newEnd) }]);
  assert.deepEqual(p.findings('smp.c'), []);
  // And back, by a one-character-at-a-time style edit: swap the two statements again.
  p.setFile('smp.c', SEED, [{ startIndex: start, oldEndIndex: newEnd, newEndIndex: oldEnd, startPosition: pos(newText, start), oldEndPosition: pos(newText, newEnd), newEndPosition: pos(SEED, oldEnd) }]);
  const fresh = project();
  fresh.setFile('smp.c', SEED);
  assert.deepEqual(p.findings('smp.c').map((f) => f.message), fresh.findings('smp.c').map((f) => f.message));
});

test('incremental edit that inserts a loop macro reparses correctly', () => {
  const p = project();
  const before = 'void f(void)\n{\n\tunsigned int cpu;\n\n}\n';
  p.setFile('l.c', before);
  const insert = 'for_each_present_cpu(cpu) {\n\t\tnative_cpu_up(cpu, NULL);\n\t\txen_smp_intr_init(cpu);\n\t}\n';
  const at = before.indexOf('\n}') + 1;
  const after = before.slice(0, at) + '\t' + insert + before.slice(at);
  const pos = (t: string, i: number) => ({ row: t.slice(0, i).split('\n').length - 1, column: i - t.lastIndexOf('\n', i - 1) - 1 });
  p.setFile('l.c', after, [{ startIndex: at, oldEndIndex: at, newEndIndex: at + insert.length + 1, startPosition: pos(before, at), oldEndPosition: pos(before, at), newEndPosition: pos(after, at + insert.length + 1) }]);
  const fs = p.findings('l.c');
  assert.deepEqual(fs.map((f) => f.code), ['HP001']);
  assert.equal(p.parsed('l.c')!.text, after);
});

test('findingsForText analyses other text without changing the project', () => {
  const p = project();
  p.setFile('smp.c', SEED_FIXED);
  assert.deepEqual(p.findingsForText('smp.c', SEED).map((f) => f.code), ['HP001']);
  assert.deepEqual(p.findings('smp.c'), []);
  assert.deepEqual(p.findingsForText('other.c', SEED).map((f) => f.file), ['other.c']);
  assert.deepEqual(p.files(), ['smp.c']);
});

test('summaries across files: chain in the message, and removing the wrapper file removes the finding', () => {
  const p = projectOf(['xfile/kick.c', 'xfile/users.c']);
  const users = fixture('xfile/users.c');
  const f = p.findings(users).find((x) => x.function === 'acme_two_levels')!;
  assert.match(f.message, /^CPU `cpu` is published online by `kick_twice\(\)` \(via `kick_and_wait\(\)` → `native_cpu_up\(\)`\) at line 25 before its IPI vectors are set up by `setup_ipis\(\)` \(via `bind_ipi_to_irqhandler\(\)`\) at line 26$/);
  assert.deepEqual(f.primary.via, ['kick_twice', 'kick_and_wait', 'native_cpu_up']);
  assert.deepEqual(p.summary('kick_and_wait')!.map((e) => [e.role, e.cpu, e.via.join('>')]), [['online-sync', 0, 'native_cpu_up']]);
  assert.deepEqual(p.summary('boot_pair')!.map((e) => e.cpu), [1]);
  assert.equal(p.summary('setup_ipis')![0].returnsStatus, true);
  p.removeFile(fixture('xfile/kick.c'));
  assert.deepEqual(p.findings(users), []);
  assert.equal(p.summary('kick_and_wait'), undefined);
});

test('a changed wrapper body changes the caller findings (cache invalidation)', () => {
  const p = project();
  p.setFile('w.c', 'int wrap(unsigned int c) { return 0; }\n');
  p.setFile('u.c', 'int u(unsigned int cpu) { wrap(cpu); return xen_smp_intr_init(cpu); }\n');
  assert.deepEqual(p.findings('u.c'), []);
  p.setFile('w.c', 'int wrap(unsigned int c) { return native_cpu_up(c, NULL); }\n');
  assert.deepEqual(p.findings('u.c').map((f) => f.code), ['HP001']);
});

test('booting side: key "self" gives side ap; HP002 witness marks the failed set-up', () => {
  const p = projectOf(['hp001-ap.c', 'hp002.c']);
  const ap = p.findings(fixture('hp001-ap.c'));
  assert.ok(ap.length > 0 && ap.every((f) => f.side === 'ap'));
  const h2 = p.findings(fixture('hp002.c'));
  const failed = h2.find((f) => f.function === 'branch_does_not_avoid')!;
  assert.equal(failed.witness[0].event.role, 'ipi-setup');
  assert.equal(failed.witness[0].outcome, 'failed');
  assert.match(failed.message, /its failure branch still reaches CPU `cpu` is published online by `native_cpu_up\(\)` at line 50/);
  const ignored = h2.find((f) => f.function === 'warn_only')!;
  assert.equal(ignored.witness[0].outcome, 'unchecked');
  assert.equal(ignored.related[0].span.startLine + 1, 8);
});

test('hover: KB entry with its note, and an inferred chain for a wrapper', () => {
  const p = projectOf(['xfile/kick.c', 'xfile/users.c']);
  const users = fixture('xfile/users.c');
  const text = read('xfile/users.c');
  const h = p.hoverAt(users, offsetOf(text, 'kick_twice(cpu, NULL)') + 3)!;
  assert.match(h.markdown, /`kick_twice\(\)` publishes CPU `cpu` online via `kick_and_wait\(\)` → `native_cpu_up\(\)`/);
  assert.equal(text.slice(h.span.start, h.span.end), 'kick_twice');
  const k = p.hoverAt(users, offsetOf(text, 'xen_smp_intr_init(cpu)') + 1)!;
  assert.match(k.markdown, /\*\*ipi-setup\*\*/);
  assert.match(k.markdown, /builtin/);
  assert.equal(p.hoverAt(users, offsetOf(text, 'if (ret)')), undefined);
  const kick = fixture('xfile/kick.c');
  const def = p.hoverAt(kick, offsetOf(read('xfile/kick.c'), 'kick_twice(unsigned') + 2)!;
  assert.match(def.markdown, /`kick_twice\(\)` publishes CPU `target` online via `kick_and_wait\(\)` → `native_cpu_up\(\)`/);
});

test('hover: a registration wrapper names the parameter it registers, and the state', () => {
  const p = projectOf(['wrapreg/guest.c', 'wrapreg/users.c']);
  const guest = fixture('wrapreg/guest.c');
  const text = read('wrapreg/guest.c');
  const at = (name: string) => p.hoverAt(guest, offsetOf(text, `${name}(`) + 2)!.markdown;
  assert.equal(at('acme_cpuhp_setup').split('\n\n')[1], '`acme_cpuhp_setup()` registers its parameter `cpu_online_cb` as the startup callback of the hot-plug state `CPUHP_AP_ONLINE_DYN` via `cpuhp_setup_state_nocalls()` (on some paths)');
  assert.match(at('acme_register_state'), /registers its parameter `startup` as the startup callback of the hot-plug state in its parameter `state` via `cpuhp_setup_state\(\)`/);
  assert.match(at('acme_register_online'), /via `acme_register_state\(\)` → `cpuhp_setup_state\(\)`/);
  assert.equal(p.hoverAt(guest, offsetOf(text, 'acme_stats_init(') + 2), undefined, 'registers its own callback: no summary');
});

test('editing the state inside a registration wrapper updates its callers\' HP004 in other files', () => {
  const p = projectOf(['wrapreg/guest.c', 'wrapreg/users.c']);
  const guest = fixture('wrapreg/guest.c');
  const users = fixture('wrapreg/users.c');
  const lines = (file: string) => p.findings(file).filter((f) => f.code === 'HP004').map((f) => f.span.startLine + 1);
  assert.deepEqual(lines(users), [31, 37, 39]);
  const text = read('wrapreg/guest.c');
  p.setFile(guest, text.replace('CPUHP_AP_ONLINE_DYN, "x86/acme/guest:online"', 'CPUHP_ACME_STARTING, "x86/acme/guest:starting"'));
  assert.deepEqual(lines(users), [37, 39], 'the ONLINE slot of acme_cpuhp_setup() is a STARTING one now');
  p.setFile(guest, text);
  assert.deepEqual(lines(users), [31, 37, 39]);
});

test('functions and functionAt', () => {
  const p = projectOf(['hp003.c']);
  const file = fixture('hp003.c');
  const names = p.functions(file).map((f) => f.name);
  assert.deepEqual(names.slice(0, 3), ['arm_like_cpu_disable', 'arm64_like_cpu_disable', 'xen_hvm_cpu_die_early']);
  const text = read('hp003.c');
  assert.equal(p.functionAt(file, offsetOf(text, 'xen_smp_intr_free(cpu); /*'))!.name, 'xen_hvm_cpu_die_early');
  assert.equal(p.functionAt(file, 0), undefined);
  assert.ok(p.tree(file)!.rootNode.type === 'translation_unit');
});

test('a function over its time budget gives HP900 instead of hanging; others are still checked', () => {
  const big = ['static void huge(unsigned int cpu)', '{'];
  for (let i = 0; i < 3000; i++) big.push(`\tif (flags & ${i}) native_cpu_up(cpu, NULL); else if (x) xen_smp_intr_init(cpu);`);
  big.push('}', '', 'static void small(unsigned int cpu)', '{', '\tnative_cpu_up(cpu, NULL);', '\txen_smp_intr_init(cpu);', '}', '');
  const p = new Project(KnowledgeBase.builtin(), { functionBudgetMs: 20 });
  p.setFile('big.c', big.join('\n'));
  const t0 = Date.now();
  const fs = p.findings('big.c');
  assert.ok(Date.now() - t0 < 10_000);
  assert.deepEqual(fs.map((f) => `${f.function}:${f.code}`), ['huge:HP900', 'small:HP001']);
  assert.equal(fs[0].severity, 'information');
  assert.match(fs[0].message, /time budget of 20 ms/);
  // With the default budget the same function is analysed.
  const q = new Project(KnowledgeBase.builtin());
  q.setFile('big.c', big.slice(0, 40).join('\n') + '\n}\n');
  assert.ok(q.findings('big.c').every((f) => f.code !== 'HP900'));
});

test('bad input: deep nesting, binary bytes, unterminated code and long lines do not crash or hang', () => {
  const p = project();
  const inputs: [string, string][] = [
    ['parens.c', 'int f(int cpu) { x = ' + '('.repeat(50000) + 'cpu' + ')'.repeat(50000) + '; native_cpu_up(cpu, 0); xen_smp_intr_init(cpu); }\n'],
    ['braces.c', 'int f(int cpu) { ' + '{'.repeat(20000) + 'native_cpu_up(cpu, 0); xen_smp_intr_init(cpu);' + '}'.repeat(20000) + ' }\n'],
    ['bin.c', Buffer.from(Array.from({ length: 100000 }, (_, i) => (i * 7919) % 256)).toString('latin1')],
    ['open.c', 'int f(int cpu) { ' + 'g(cpu, '.repeat(20000)],
    ['line.c', 'int f(int cpu) { native_cpu_up(cpu, 0); ' + 'x++; '.repeat(250000) + 'xen_smp_intr_init(cpu); }'],
  ];
  for (const [name, text] of inputs) {
    const t0 = Date.now();
    p.setFile(name, text);
    const fs = p.findings(name);
    assert.ok(Date.now() - t0 < 30_000, `${name} took ${Date.now() - t0} ms`);
    assert.ok(Array.isArray(fs));
    if (name === 'braces.c' || name === 'parens.c') assert.deepEqual(fs.map((f) => f.code), ['HP001'], name);
  }
});

test('cached findings follow ops-table changes in other files and moved functions', () => {
  const p = project();
  const use = 'void f(struct board_ops *ops)\n{\n\tunsigned int cpu = 3;\n\n\tops->boot(cpu);\n\txen_smp_intr_init(cpu);\n}\n';
  p.setFile('u.c', use);
  p.setFile('t.c', 'int quiet(unsigned int c) { return 0; }\nstruct board_ops o = { .boot = quiet };\n');
  assert.deepEqual(p.findings('u.c'), []);
  p.setFile('t.c', 'int loud(unsigned int c) { return native_cpu_up(c, NULL); }\nstruct board_ops o = { .boot = loud };\n');
  assert.deepEqual(p.findings('u.c').map((f) => f.code), ['HP001']);
  // The same function two lines lower: same finding, moved, with its message's lines moved too.
  p.setFile('u.c', '\n\n' + use);
  const [f] = p.findings('u.c');
  assert.equal(f.span.startLine, 6);
  assert.match(f.message, /at line 7 before .* at line 8$/);
  const fresh = project();
  fresh.setFile('t.c', 'int loud(unsigned int c) { return native_cpu_up(c, NULL); }\nstruct board_ops o = { .boot = loud };\n');
  fresh.setFile('u.c', '\n\n' + use);
  assert.deepEqual(JSON.parse(JSON.stringify(p.findings('u.c'))), JSON.parse(JSON.stringify(fresh.findings('u.c'))));
});
