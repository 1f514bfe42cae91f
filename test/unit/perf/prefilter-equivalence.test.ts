// The optimised scan (token prefilter, ripgrep / worker-thread search, region compaction) must report
// exactly what the plain scan reports. Over the samples, the fixtures, a generated tree whose findings
// need widening across files, and (HOTPLUG_RACE_KERNEL=1 with the tree unpacked) the kernel's arch/.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import { propertyRuns } from '../property-runs';
import { compactText, compileTokens, layoutOf, regionsWithMatch, identifierPattern, lineStartsOf } from '../../../server/src/core/prefilter';
import { scan, collectFiles } from '../../../server/src/cli/scan-engine';
import { fastScan } from '../../../server/src/cli/scan-fast';
import { findRipgrep, mainThreadSearch, searchFiles } from '../../../server/src/cli/scan-workers';
import { WordIndex, wordIndexBinary } from '../../../server/src/cli/word-index';
import { inTempDir } from '../cli/helpers';
import { ARCH, kernelSkip } from '../kernel-tree';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const norm = (x: unknown) => JSON.stringify(x);

test('compileTokens agrees with a naive substring search', () => {
  const alphabet = fc.constantFrom('a', 'b', '_', 'c', 'u', 'p', '(', ' ', '\n');
  fc.assert(
    fc.property(fc.array(fc.stringOf(alphabet, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 }), fc.stringOf(alphabet, { maxLength: 200 }), (tokens, text) => {
      const m = compileTokens(tokens);
      assert.equal(m.test(Buffer.from(text, 'latin1')), tokens.some((t) => text.includes(t)));
    }),
    propertyRuns(2000),
  );
});

test('compileTokens finds tokens at both ends of a buffer', () => {
  const m = compileTokens(['native_cpu_up', 'xen_smp_intr_init']);
  assert.equal(m.test(Buffer.from('native_cpu_up')), true);
  assert.equal(m.test(Buffer.from('x = 1; xen_smp_intr_init')), true);
  assert.equal(m.test(Buffer.from('native_cpu_u xen_smp_intr_ini')), false);
  assert.equal(compileTokens([]).test(Buffer.from('anything')), false);
});

test('compaction keeps line numbers, columns and directives, and drops only regions without a token', () => {
  const text = [
    '#include <linux/cpu.h>', // 0
    'static int unrelated(int x)', // 1
    '{', // 2
    '#ifdef CONFIG_X', // 3
    '\treturn x + 1;', // 4
    '#endif', // 5
    '\treturn x;', // 6
    '}', // 7
    '/* a } in a comment', // 8
    '} still a comment */', // 9
    'static int boot(unsigned int cpu)', // 10
    '{', // 11
    '\treturn native_cpu_up(cpu, NULL);', // 12
    '}', // 13
    '',
  ].join('\n');
  const layout = layoutOf(text);
  const keep = regionsWithMatch(text, layout, identifierPattern(['native_cpu_up']));
  const out = compactText(text, layout, keep);
  const a = text.split('\n');
  const b = out.split('\n');
  assert.equal(b.length, a.length);
  for (const l of [0, 3, 5, 8, 9, 10, 11, 12, 13]) assert.equal(b[l], a[l], `line ${l} kept`);
  for (const l of [1, 2, 4, 6, 7]) assert.equal(b[l], '', `line ${l} dropped`);
  assert.equal(lineStartsOf(text).length, lineStartsOf(out).length);
});

test('regions with unbalanced braces (two openers under #if) stay together', () => {
  const text = ['#ifdef A', 'int f(int x) {', '#else', 'int f(void) {', '#endif', '\treturn 0;', '}', 'int g(void)', '{', '\treturn native_cpu_up(0, 0);', '}', ''].join('\n');
  const layout = layoutOf(text);
  // f's body does not balance on its own, so it runs on into g's region and is kept with it
  assert.equal(layout.regions.length, 1);
  const out = compactText(text, layout, regionsWithMatch(text, layout, identifierPattern(['native_cpu_up'])));
  assert.equal(out, text);
});

test('the search backends find the same files', async () => {
  const files = collectFiles([path.join(ROOT, 'samples'), path.join(ROOT, 'test', 'fixtures')]);
  const tokens = ['native_cpu_up', 'xen_smp_intr_init', 'set_cpu_online'];
  const want = files.filter((f) => tokens.some((t) => fs.readFileSync(f, 'latin1').includes(t)));
  assert.ok(want.length > 3);
  assert.deepEqual(mainThreadSearch(files, tokens), want);
  assert.deepEqual(await searchFiles(files, tokens, { backend: 'js', workers: 2 }), want);
  // ripgrep matches whole words only (what the analysis can see); the JS matchers are by substring, a superset
  const words = files.filter((f) => tokens.some((t) => new RegExp(`\\b${t}\\b`).test(fs.readFileSync(f, 'latin1'))));
  if (findRipgrep()) assert.deepEqual(await searchFiles(files, tokens, { backend: 'rg', roots: [path.join(ROOT, 'samples'), path.join(ROOT, 'test', 'fixtures')] }), words);
  // the native word index: whole words too (required: the build makes it wherever a C compiler is)
  const bin = wordIndexBinary();
  assert.ok(bin, 'out/native/word-index is built');
  const index = new WordIndex(files, bin);
  try {
    assert.deepEqual(await index.query(files, tokens), words);
  } finally {
    index.close();
  }
  // a root spelt unnormalised: ripgrep's lines are not the files' names, and are matched by resolved path
  const spelt = `${ROOT}/samples/./`;
  const named = collectFiles([spelt]);
  const want2 = named.filter((f) => tokens.some((t) => new RegExp(`\\b${t}\\b`).test(fs.readFileSync(f, 'latin1'))));
  assert.ok(want2.length > 0);
  if (findRipgrep()) assert.deepEqual(await searchFiles(named, tokens, { backend: 'rg', roots: [spelt] }), want2);
});

/** A tree where the finding needs three files and an ops table: only widening finds it. */
function writeWideningTree(dir: string): void {
  const w = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  };
  w('a/boot.c', ['#include <linux/smp.h>', '', 'int acme_boot_one(unsigned int cpu, struct task_struct *t)', '{', '\treturn native_cpu_up(cpu, t);', '}', ''].join('\n'));
  w('b/wrap.c', ['static int quiet(int x)', '{', '\treturn x * 2;', '}', '', 'int acme_wrap(unsigned int cpu)', '{', '\treturn acme_boot_one(cpu, NULL);', '}', '', 'static const struct acme_ops ops = {', '\t.start = acme_wrap,', '};', ''].join('\n'));
  w('c/ipi.c', ['int acme_ipis(unsigned int cpu)', '{', '\treturn xen_smp_intr_init(cpu);', '}', ''].join('\n'));
  w('d/user.c', [
    '/* nothing here names the knowledge base */',
    'static long filler(long a)',
    '{',
    '\treturn a + 3;',
    '}',
    '',
    'int acme_cpu_up(struct acme_dev *d, unsigned int cpu)',
    '{',
    '\tint rc;',
    '',
    '\trc = d->ops->start(cpu);',
    '\tWARN_ON(acme_ipis(cpu));',
    '\treturn rc;',
    '}',
    '',
  ].join('\n'));
  w('e/noise.c', ['int unrelated(void)', '{', '\treturn 0;', '}', ''].join('\n'));
}

async function assertSame(paths: string[]): Promise<number> {
  const plain = await scan(paths, { prefilter: false });
  const files = collectFiles(paths);
  const variants = [
    { name: 'default', r: (await scan(paths)).findings },
    { name: 'js search, main thread', r: (await fastScan(files, paths, { search: 'js', workers: 1 })).findings },
    { name: 'js search, 2 workers, no compaction', r: (await fastScan(files, paths, { search: 'js', workers: 2, compact: false })).findings },
    { name: 'word index', r: (await fastScan(files, paths, { search: 'index' })).findings },
    // every hit parsed: the widening alone, without the admission gate
    { name: 'no gate', r: (await fastScan(files, paths, { gate: false })).findings },
  ];
  for (const v of variants) {
    const sorted = [...v.r].sort((a, b) => a.file.localeCompare(b.file) || a.span.start - b.span.start || a.code.localeCompare(b.code));
    const want = [...plain.findings].sort((a, b) => a.file.localeCompare(b.file) || a.span.start - b.span.start || a.code.localeCompare(b.code));
    assert.equal(norm(sorted), norm(want), `${v.name} differs from the plain scan over ${paths.join(' ')}`);
  }
  return plain.findings.length;
}

test('optimised scans report what the plain scan reports: samples', async () => {
  assert.ok((await assertSame([path.join(ROOT, 'samples')])) > 0);
});

test('optimised scans report what the plain scan reports: fixtures', async () => {
  assert.ok((await assertSame([path.join(ROOT, 'test', 'fixtures')])) > 0);
});

test('widening through a wrapper in another file and an ops-table field finds the same race', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hp-widen-'));
  try {
    writeWideningTree(dir);
    const plain = await scan([dir], { prefilter: false });
    assert.ok(plain.findings.some((f) => f.code === 'HP001' && f.function === 'acme_cpu_up'), 'the plain scan sees the race through two files');
    const files = collectFiles([dir]);
    const fast = await fastScan(files, [dir], {});
    assert.ok(fast.stats.rounds.length >= 3, 'it took widening rounds');
    assert.ok(!fast.loaded.some((f) => f.endsWith('noise.c')), 'a file with no relevant name is not parsed');
    await assertSame([dir]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('files over the size limit: every search has the scan warn about each, as the plain scan does, whatever they name', async () => {
  await inTempDir('hp-big-', async (dir) => {
    writeWideningTree(dir);
    // register definitions naming nothing relevant (the word index does not read them), and a wrapper that does
    fs.mkdirSync(path.join(dir, 'f'));
    fs.writeFileSync(path.join(dir, 'f', 'regs.h'), Array.from({ length: 200 }, (_, i) => `#define ACME_REG_${i} 0x${i.toString(16)}\n`).join(''));
    fs.writeFileSync(path.join(dir, 'f', 'big.c'), `int acme_big(unsigned int cpu)\n{\n\treturn xen_smp_intr_init(cpu);\n}\n/* ${'x'.repeat(4000)} */\n`);
    const warned = async (run: (onWarning: (m: string) => void) => Promise<unknown>) => {
      const w: string[] = [];
      await run((m) => w.push(m));
      return w.filter((m) => m.includes('larger than')).map((m) => path.relative(dir, m.slice(0, m.indexOf(':')))).sort();
    };
    const want = await warned((onWarning) => scan([dir], { prefilter: false, maxFileSize: 3000, onWarning }));
    assert.deepEqual(want, ['f/big.c', 'f/regs.h']);
    const files = collectFiles([dir]);
    for (const search of ['index', 'js', 'rg'] as const) {
      if (search === 'rg' && !findRipgrep()) continue;
      assert.deepEqual(await warned((onWarning) => fastScan(files, [dir], { search, maxFileSize: 3000, onWarning, workers: 1 })), want, search);
    }
  });
});

// Our own driver beside arch/, whose races exist only through arch/'s functions (x86 smpboot, Xen time and
// enlighten_hvm), so that both scans must widen into the kernel to report them.
const SEEDED = `#include <linux/cpu.h>

int acme_bring_up(int apicid, unsigned long start_ip, int cpu)
{
	int nmi = 0;
	int err;

	err = wakeup_cpu_via_init_nmi(apicid, start_ip, cpu, &nmi);
	if (!err)
		xen_setup_timer(cpu);
	return err;
}

void acme_take_down(unsigned int cpu)
{
	xen_cpu_dead_hvm(cpu);
	remove_cpu_from_maps(cpu);
}
`;

test('optimised scan over the kernel arch/ reports what the plain scan reports', { skip: kernelSkip, timeout: 3_600_000 }, async () => {
  assert.ok(ARCH);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hp-seeded-'));
  try {
    fs.mkdirSync(path.join(dir, 'acme'));
    fs.writeFileSync(path.join(dir, 'acme', 'hotplug.c'), SEEDED);
    const plain = await scan([ARCH, dir], { prefilter: false });
    const fast = await scan([ARCH, dir]);
    const files = collectFiles([ARCH, dir]);
    const indexed = await fastScan(files, [ARCH, dir], { search: 'index' });
    assert.equal(indexed.stats.search, 'index');
    const ripgrep = await fastScan(files, [ARCH, dir], { search: 'rg' });
    assert.equal(ripgrep.stats.search, 'rg');
    // ripgrep finds every use of a field; the index only its uses as a member, which is all that can matter
    assert.equal(norm(indexed.findings), norm(plain.findings));
    assert.equal(norm(ripgrep.findings), norm(plain.findings));
    const rgHits = new Set(ripgrep.stats.hits);
    assert.ok(indexed.stats.hits.every((f) => rgHits.has(f)) && indexed.stats.hits.length < rgHits.size, 'members-only searches read fewer files');
    assert.ok(indexed.stats.memberOnly.length > 0, 'some fields were searched as members only');
    assert.deepEqual(plain.findings.filter((f) => f.file.startsWith(dir)).map((f) => `${f.function} ${f.code}`).sort(), ['acme_bring_up HP001', 'acme_take_down HP003']);
    assert.equal(norm(fast.findings), norm(plain.findings));
    // With the scan cache: created, then (our driver edited) a rescan seeded with the cached names and searched
    // through the cache's record instead of ripgrep, then reused.
    const cache = path.join(dir, 'cache.json');
    const created = await scan([ARCH, dir], { cache });
    assert.equal(created.stats.cache, 'created');
    assert.equal(norm(created.findings), norm(plain.findings));
    fs.writeFileSync(path.join(dir, 'acme', 'hotplug.c'), SEEDED.replace('xen_cpu_dead_hvm(cpu);\n\tremove_cpu_from_maps(cpu);', 'remove_cpu_from_maps(cpu);\n\txen_cpu_dead_hvm(cpu);'));
    const updated = await scan([ARCH, dir], { cache });
    assert.equal(updated.stats.cache, 'updated');
    const fresh = await scan([ARCH, dir], { prefilter: false });
    assert.deepEqual(fresh.findings.filter((f) => f.file.startsWith(dir)).map((f) => `${f.function} ${f.code}`), ['acme_bring_up HP001']);
    assert.equal(norm(updated.findings), norm(fresh.findings));
    const reused = await scan([ARCH, dir], { cache });
    assert.equal(reused.stats.cache, 'reused');
    assert.equal(norm(reused.findings), norm(fresh.findings));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
