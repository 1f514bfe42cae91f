// `scan --cache`: the result is reused only while no file that could matter changed, and a scan helped by the cache
// reports exactly what a scan without it reports.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { scan, type ScanOptions } from '../../../server/src/cli/scan-engine';
import { changedFiles, type ScanCacheData, type Stamp } from '../../../server/src/cli/scan-cache';
import { KnowledgeBase } from '../../../server/src/core/kb/kb';
import { cli, writeLines } from './helpers';

/** A race that needs a wrapper in one file, the IPI set-up in another and the caller in a third. */
function writeTree(dir: string): void {
  const w = (rel: string, lines: string[]) => writeLines(dir, rel, lines);
  w('plat/boot.c', ['int plat_start_cpu(unsigned int cpu, struct task_struct *idle)', '{', '\treturn native_cpu_up(cpu, idle);', '}']);
  w('plat/ipi.c', ['int plat_ipis(unsigned int cpu)', '{', '\treturn xen_smp_intr_init(cpu);', '}']);
  w('plat/hotplug.c', [
    'int plat_cpu_up(unsigned int cpu, struct task_struct *idle)',
    '{',
    '\tint rc = plat_start_cpu(cpu, idle);',
    '',
    '\tif (rc)',
    '\t\treturn rc;',
    '\treturn plat_ipis(cpu);',
    '}',
  ]);
  for (let i = 0; i < 12; i++) w(`lib/util${i}.c`, [`int util${i}(int x)`, '{', `\treturn x + ${i};`, '}']);
}

const json = (x: unknown) => JSON.stringify(x);

async function withTree(body: (dir: string, cache: string) => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hp-cache-'));
  try {
    writeTree(path.join(dir, 'tree'));
    await body(path.join(dir, 'tree'), path.join(dir, 'cache.json'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Scans with the cache and checks the result against a scan without it. */
async function cachedEqualsFresh(paths: string[], cache: string, options: ScanOptions = {}) {
  const cached = await scan(paths, { ...options, cache });
  const fresh = await scan(paths, options);
  assert.equal(json(cached.findings), json(fresh.findings));
  return cached;
}

test('unchanged tree: the cached result is reused, identical to a fresh scan', async () => {
  await withTree(async (tree, cache) => {
    const first = await cachedEqualsFresh([tree], cache);
    assert.equal(first.stats.cache, 'created');
    assert.ok(first.findings.some((f) => f.code === 'HP001' && f.function === 'plat_cpu_up'));
    const again = await cachedEqualsFresh([tree], cache);
    assert.equal(again.stats.cache, 'reused');
    assert.equal(again.stats.changed, 0);
    assert.equal(json(again.findings), json(first.findings));
  });
});

test('a changed or added file that names nothing relevant keeps the cached result', async () => {
  await withTree(async (tree, cache) => {
    await scan([tree], { cache });
    fs.writeFileSync(path.join(tree, 'lib', 'util3.c'), 'int util3(int x)\n{\n\treturn x * 9;\n}\n');
    fs.writeFileSync(path.join(tree, 'lib', 'new.c'), 'int fresh_helper(void)\n{\n\treturn 1;\n}\n');
    const r = await cachedEqualsFresh([tree], cache);
    assert.equal(r.stats.cache, 'reused');
    assert.ok(r.stats.changed! >= 2);
    assert.equal(r.stats.hotChanged, 0);
  });
});

test('fixing the race in a file that mattered rescans, with the same findings as a fresh scan', async () => {
  await withTree(async (tree, cache) => {
    const before = await scan([tree], { cache });
    assert.equal(before.findings.length, 1);
    // the IPIs first, then the CPU: the fix of the seed
    fs.writeFileSync(
      path.join(tree, 'plat', 'hotplug.c'),
      ['int plat_cpu_up(unsigned int cpu, struct task_struct *idle)', '{', '\tint rc = plat_ipis(cpu);', '', '\tif (rc)', '\t\treturn rc;', '\treturn plat_start_cpu(cpu, idle);', '}', ''].join('\n'),
    );
    const r = await cachedEqualsFresh([tree], cache);
    assert.equal(r.stats.cache, 'updated');
    assert.equal(r.stats.hotChanged, 1);
    assert.equal(r.findings.length, 0);
    // plat_cpu_up's summary is the same and nothing calls it: only hotplug.c was parsed
    assert.equal(r.stats.incremental, true);
    assert.equal(r.stats.parsed, 1);
  });
});

test('a file that starts naming a relevant function rescans and finds the new race', async () => {
  await withTree(async (tree, cache) => {
    await scan([tree], { cache });
    fs.writeFileSync(
      path.join(tree, 'lib', 'util5.c'),
      ['int util5(unsigned int cpu)', '{', '\tint rc = plat_start_cpu(cpu, NULL);', '', '\tif (!rc)', '\t\trc = xen_smp_intr_init(cpu);', '\treturn rc;', '}', ''].join('\n'),
    );
    const r = await cachedEqualsFresh([tree], cache);
    assert.equal(r.stats.cache, 'updated');
    assert.equal(r.stats.incremental, true);
    assert.deepEqual(r.findings.map((f) => `${f.function} ${f.code}`).sort(), ['plat_cpu_up HP001', 'util5 HP001']);
  });
});

test('removing a file that mattered rescans', async () => {
  await withTree(async (tree, cache) => {
    await scan([tree], { cache });
    fs.rmSync(path.join(tree, 'plat', 'ipi.c'));
    const r = await cachedEqualsFresh([tree], cache);
    assert.equal(r.stats.cache, 'updated');
    assert.equal(r.findings.length, 0);
    // plat_ipis lost its definition, and hotplug.c calls it: hotplug.c is parsed again too, the rest stays kept
    assert.equal(r.stats.incremental, true);
    assert.equal(r.stats.parsed, 1);
  });
});

test('a mostly rewritten tree (a fresh checkout) is searched afresh, with the same findings', async () => {
  await withTree(async (tree, cache) => {
    await scan([tree], { cache });
    for (const f of fs.readdirSync(path.join(tree, 'lib'))) fs.appendFileSync(path.join(tree, 'lib', f), '/* touched */\n');
    const r = await cachedEqualsFresh([tree], cache);
    assert.equal(r.stats.cache, 'updated');
    assert.ok(r.stats.changed! > 10);
  });
});

test('a reused result repeats the warnings of the scan that made it', async () => {
  await withTree(async (tree, cache) => {
    fs.writeFileSync(path.join(tree, 'plat', 'blob.c'), Buffer.concat([Buffer.from('native_cpu_up('), Buffer.from([0, 1, 2, 0])]));
    const first: string[] = [];
    await scan([tree], { cache, onWarning: (m) => first.push(m) });
    assert.ok(first.some((m) => /blob\.c: skipped, binary file/.test(m)), first.join('\n'));
    const again: string[] = [];
    const r = await scan([tree], { cache, onWarning: (m) => again.push(m) });
    assert.equal(r.stats.cache, 'reused');
    assert.deepEqual(again, first);
  });
});

test('another knowledge base or option set does not reuse the cache', async () => {
  await withTree(async (tree, cache) => {
    await scan([tree], { cache });
    const kb = KnowledgeBase.builtin().extend([{ name: 'plat_ipis', kind: 'function', role: 'ipi-setup', cpuArg: 0, source: 'test' }]);
    const r = await scan([tree], { cache, kb });
    assert.equal(r.stats.cache, 'created');
    const m = await scan([tree], { cache, maxFileSize: 1000 });
    assert.equal(m.stats.cache, 'created');
    // a cache of an older format (an earlier hotplug-race) is replaced without a warning
    const old = JSON.parse(fs.readFileSync(cache, 'utf8')) as ScanCacheData;
    fs.writeFileSync(cache, JSON.stringify({ ...old, format: 1, analysis: undefined }));
    const warnings: string[] = [];
    const o = await scan([tree], { cache, maxFileSize: 1000, onWarning: (w) => warnings.push(w) });
    assert.equal(o.stats.cache, 'created');
    assert.deepEqual(warnings, []);
  });
});

test('a stamp taken within the clock step of the scan is not trusted', () => {
  const stampedAt = 1_700_000_000_000;
  const old: Stamp = [10, stampedAt - 60_000, stampedAt - 60_000, 7];
  const racy: Stamp = [10, stampedAt - 500, stampedAt - 500, 8];
  const cache = { stampedAt, files: { 'a.c': old, 'b.c': racy, 'gone.c': old }, racy: { 'b.c': 'no such content' } } as unknown as ScanCacheData;
  const now = new Map<string, Stamp>([
    ['a.c', [...old]],
    ['b.c', [...racy]],
    ['new.c', old],
  ]);
  assert.deepEqual(changedFiles(cache, now).sort(), ['b.c', 'gone.c', 'new.c']);
  now.set('a.c', [11, old[1], old[2], old[3]]);
  assert.ok(changedFiles(cache, now).includes('a.c'));
});

test('CLI: --cache-location writes the cache, a broken cache is reported and replaced, --plain is refused', async () => {
  await withTree(async (tree, cache) => {
    let r = cli(['scan', tree, '--format', 'json', '--cache-location', cache]);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(JSON.parse(r.stdout).stats.cache, 'created');
    assert.ok(fs.statSync(cache).size > 0);
    fs.writeFileSync(cache, '{"format": 1, "key": ');
    r = cli(['scan', tree, '--format', 'json', '--cache-location', cache]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /warning: the cache .* is not valid JSON; scanning afresh/);
    assert.equal(JSON.parse(r.stdout).stats.cache, 'created');
    assert.equal(JSON.parse(r.stdout).findings.length, 1);
    r = cli(['scan', tree, '--cache', '--plain']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--cache .* cannot be combined with --plain/);
    // --cache alone: .hotplug-race-cache in the current directory
    r = cli(['scan', tree, '--cache'], path.dirname(cache));
    assert.equal(r.code, 1);
    assert.ok(fs.existsSync(path.join(path.dirname(cache), '.hotplug-race-cache')));
  });
});
