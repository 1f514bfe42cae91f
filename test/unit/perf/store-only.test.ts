// A file due only because it holds a store nearest to a caller of a token field is not parsed by a scan without a
// cache: its stores are added unparsed (each counts as a possible callee), and it is parsed later if something in
// it comes to matter. Findings are those of the plain scan.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'path';
import { collectFiles, scan } from '../../../server/src/cli/scan-engine';
import { fastScan } from '../../../server/src/cli/scan-fast';
import { inTempDir, writeLines } from '../cli/helpers';

const fn = (name: string, body: string, prefix = 'int') => [`${prefix} ${name}(unsigned int cpu)`, '{', `\t${body}`, '}', ''];
const ops = (name: string, target: string) => [`static const struct x_ops ${name} = {`, `\t.start = ${target},`, '};', ''];

function withTree(files: Record<string, string[]>, body: (dir: string) => Promise<void>): Promise<void> {
  return inTempDir('hp-stores-', (dir) => {
    for (const [rel, lines] of Object.entries(files)) writeLines(dir, rel, lines);
    return body(dir);
  });
}

const BRINGUP = ['int x_bringup(struct x_ops *ops, unsigned int cpu)', '{', '\tint rc = ops->start(cpu);', '', '\tif (!rc)', '\t\trc = xen_smp_intr_init(cpu);', '\treturn rc;', '}'];

test('a store nearest to a field\'s caller counts unparsed: the publish through the field stays a "may"', async () => {
  await withTree(
    {
      'arch/x/boot.c': [...fn('x_boot_a', 'return native_cpu_up(cpu, NULL);'), ...ops('ops_a', 'x_boot_a')],
      'arch/x/quiet.c': [...fn('x_quiet', 'return 0;', 'static int'), ...ops('ops_b', 'x_quiet')],
      'arch/x/smp.c': BRINGUP,
    },
    async (dir) => {
      const plain = await scan([dir], { prefilter: false });
      assert.deepEqual(plain.findings.map((f) => `${f.function} ${f.code}`), ['x_bringup HP001']);
      assert.equal((plain.findings[0].primary as { may?: boolean }).may, true, 'two stores of .start: either target may run');
      const files = collectFiles([dir]);
      const fast = await fastScan(files, [dir], { search: 'js', workers: 1 });
      assert.equal(JSON.stringify(fast.findings), JSON.stringify(plain.findings));
      assert.deepEqual(fast.loaded.map((f) => path.basename(f)), ['boot.c', 'smp.c'], 'quiet.c: its stores only');
      const kept = await fastScan(files, [dir], { search: 'js', workers: 1, keepAnalysis: true });
      assert.equal(JSON.stringify(kept.findings), JSON.stringify(plain.findings));
      assert.ok(kept.loaded.some((f) => f.endsWith('quiet.c')), 'for the scan cache every analysed file is parsed');
    },
  );
});

test('a file known by its stores is parsed once a later round makes its function matter', async () => {
  await withTree(
    {
      'arch/x/boot.c': [...fn('x_boot_a', 'return native_cpu_up(cpu, NULL);'), ...ops('ops_a', 'x_boot_a')],
      // x_late publishes only through x_hop, whose summary comes a round after x_boot_a's
      'arch/x/late.c': [...fn('x_late', 'return x_hop(cpu);', 'static int'), ...ops('ops_c', 'x_late')],
      'lib/hop.c': fn('x_hop', 'return x_hop2(cpu);'),
      'lib/hop2.c': fn('x_hop2', 'return x_boot_a(cpu);'),
      'arch/x/smp.c': BRINGUP,
    },
    async (dir) => {
      const plain = await scan([dir], { prefilter: false });
      assert.deepEqual(plain.findings.map((f) => `${f.function} ${f.code}`), ['x_bringup HP001']);
      const fast = await fastScan(collectFiles([dir]), [dir], { search: 'js', workers: 1 });
      assert.equal(JSON.stringify(fast.findings), JSON.stringify(plain.findings));
      assert.ok(fast.loaded.some((f) => f.endsWith('late.c')), 'late.c parsed after all');
      assert.ok(fast.stats.rounds.length >= 3, `rounds: ${fast.stats.rounds.length}`);
    },
  );
});
