// Fields that are no function's name are searched only where they are used as members (`.f`, `->f`): the files
// that name them otherwise are not read. A field that later becomes a function's name is searched again everywhere,
// and a cached run's members-only searches are not taken for searches of every use.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { collectFiles, scan } from '../../../server/src/cli/scan-engine';
import { fastScan } from '../../../server/src/cli/scan-fast';
import { cachedSearch, type ScanCacheData } from '../../../server/src/cli/scan-cache';
import { bareName } from '../../../server/src/cli/scan-workers';
import { inTempDir, writeLines } from '../cli/helpers';

function writeTree(dir: string, withStart: boolean): void {
  const w = (rel: string, ...lines: string[]) => writeLines(dir, rel, lines);
  w('a/boot.c', 'int acme_boot_one(unsigned int cpu)', '{', '\treturn native_cpu_up(cpu, NULL);', '}');
  w('w/wrap.c', 'int acme_wrap(unsigned int cpu)', '{', '\treturn acme_boot_one(cpu);', '}');
  // `start` and `halt` become fields holding a function that publishes a CPU
  w('b/ops.c', 'static const struct acme_ops ops = {', '\t.start = acme_boot_one,', '\t.halt = acme_boot_one,', '};');
  // names `halt` only as a variable and in a comment: not read while it is a field only
  w('n/noise.c', '/* halt the queue */', 'static int halt;', 'int acme_noise(void)', '{', '\treturn halt;', '}');
  // `start` becomes a function's name one round after it became a field
  if (withStart) w('e/start.c', 'int start(unsigned int cpu)', '{', '\treturn acme_wrap(cpu);', '}');
  // these name `start` only as a function: found only by searching every use of it
  w('c/caller.c', 'int acme_caller(unsigned int cpu)', '{', '\treturn start(cpu);', '}');
  w('h/top.c', 'int acme_top(unsigned int cpu)', '{', '\tint rc = acme_caller(cpu);', '', '\tif (!rc)', '\t\trc = xen_smp_intr_init(cpu);', '\treturn rc;', '}');
}

const norm = (x: unknown) => JSON.stringify(x);

test('members-only search: fields skip other uses; a field that becomes a function is searched everywhere', async () => {
  await inTempDir('hp-member-', async (dir) => {
    writeTree(dir, true);
    const plain = await scan([dir], { prefilter: false });
    assert.deepEqual(plain.findings.map((f) => `${f.function} ${f.code}`), ['acme_top HP001'], 'the race runs through the function start()');
    const files = collectFiles([dir]);
    for (const search of ['index', 'rg', 'js'] as const) {
      const r = await fastScan(files, [dir], { search, workers: 1 });
      assert.equal(norm(r.findings), norm(plain.findings), `${search}: same findings as the plain scan`);
      assert.deepEqual(r.stats.memberOnly, ['halt'], `${search}: halt stayed a field; start was searched again as a function`);
      assert.ok(r.loaded.some((f) => f.endsWith('caller.c')), `${search}: caller.c found through start()`);
      if (search === 'index') assert.ok(!r.stats.hits.some((f) => f.endsWith('noise.c')), 'noise.c names halt only as a variable: not read');
    }
  });
});

test('members-only search and the scan cache: a cached field that becomes a function is searched everywhere', async () => {
  await inTempDir('hp-member-', async (dir) => {
    writeTree(dir, false);
    const cache = path.join(dir, '..', `${path.basename(dir)}.cache`);
    const first = await scan([dir], { cache });
    assert.equal(first.stats.cache, 'created');
    assert.deepEqual(first.findings, []);
    const kept = JSON.parse(fs.readFileSync(cache, 'utf8'));
    assert.deepEqual(kept.memberOnly, ['halt', 'start'], 'both fields were searched as members only');
    writeTree(dir, true);
    const second = await scan([dir], { cache });
    const fresh = await scan([dir], { prefilter: false });
    assert.deepEqual(fresh.findings.map((f) => `${f.function} ${f.code}`), ['acme_top HP001']);
    assert.equal(norm(second.findings), norm(fresh.findings), 'the rescan with the cache finds the race too');
    fs.rmSync(cache, { force: true });
  });
});

test('the cache answers members-only searches of a field searched that way, and passes on searches of every use', async () => {
  await inTempDir('hp-member-', async (dir) => {
    const hit = path.join(dir, 'hit.c');
    const other = path.join(dir, 'other.c');
    fs.writeFileSync(hit, 'x = ops->start(cpu);\n');
    fs.writeFileSync(other, 'int start(int cpu);\n');
    const data = { tokens: ['start', 'kick'], memberOnly: ['start'], hits: [hit] } as unknown as ScanCacheData;
    const asked: string[][] = [];
    const search = cachedSearch(data, [], async (files, tokens) => {
      asked.push([...tokens]);
      return files.filter((f) => tokens.some((t) => fs.readFileSync(f, 'utf8').includes(bareName(t))));
    });
    assert.deepEqual(await search([hit, other], ['.start', 'kick']), [hit], 'answered from the cached hits');
    assert.deepEqual(asked, []);
    assert.deepEqual(await search([hit, other], ['start']), [hit, other], 'every use of start: searched');
    assert.deepEqual(asked, [['start']]);
  });
});
