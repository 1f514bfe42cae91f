// `scan --cache` rescanning only the changed files (scan-delta.ts): it is used only when the change cannot reach
// another file's result, and then reports exactly what a scan without the cache reports.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { scan } from '../../../server/src/cli/scan-engine';
import { writeLines } from './helpers';
import type { Finding } from '../../../server/src/core/types';

const json = (x: unknown) => JSON.stringify(x);
/** Findings as short lines first (a readable difference), then exactly. */
function assertSame(a: Finding[], b: Finding[], message?: string): void {
  const short = (l: Finding[]) => l.map((f) => `${path.basename(f.file)}:${f.span.startLine + 1} ${f.function} ${f.code}`);
  assert.deepEqual(short(a), short(b), message);
  assert.equal(json(a), json(b), message);
}

async function withDir(body: (dir: string, cache: string) => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hp-delta-'));
  try {
    fs.mkdirSync(path.join(dir, 'tree'));
    // files that name nothing relevant: a change to one of the others is then not a rewrite of most of the tree
    for (let i = 0; i < 12; i++) writeLines(path.join(dir, 'tree'), `lib/util${i}.c`, [`int util${i}(int x)`, '{', `\treturn x + ${i};`, '}', '']);
    await body(path.join(dir, 'tree'), path.join(dir, 'cache.json'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function cachedEqualsFresh(tree: string, cache: string) {
  const cached = await scan([tree], { cache });
  const fresh = await scan([tree]);
  assertSame(cached.findings, fresh.findings);
  return cached;
}

const fn = (name: string, body: string[], prefix = 'int') => [`${prefix} ${name}(unsigned int cpu)`, '{', ...body.map((l) => `\t${l}`), '\treturn 0;', '}', ''];

test('a kept summary that held itself up through the old code is not trusted', async () => {
  await withDir(async (tree, cache) => {
    // d publishes and calls h, which calls d back: both summaries say "publishes", and user races through h
    writeLines(tree, 'a/d.c', fn('plat_d', ['set_cpu_online(cpu, true);', 'plat_h(cpu);']));
    writeLines(tree, 'b/h.c', fn('plat_h', ['plat_d(cpu);']));
    writeLines(tree, 'c/user.c', fn('plat_user', ['plat_h(cpu);', 'xen_smp_intr_init(cpu);']));
    const first = await cachedEqualsFresh(tree, cache);
    assert.deepEqual(first.findings.map((f) => `${f.function} ${f.code}`), ['plat_user HP001']);
    // d no longer publishes: with h's kept summary it would still seem to, and user's race would stay
    writeLines(tree, 'a/d.c', fn('plat_d', ['plat_h(cpu);']));
    const r = await cachedEqualsFresh(tree, cache);
    // h's file names plat_d, whose summary differs, and user's names plat_h: both are parsed again, none is kept
    assert.equal(r.stats.incremental, true);
    assert.equal(r.stats.parsed, 3);
    assert.deepEqual(r.findings, []);
    // a cycle through kept code again, but d now publishes by itself (its summary does not rest on h's): kept
    writeLines(tree, 'a/d.c', fn('plat_d', ['set_cpu_online(cpu, true);', 'plat_h(cpu);']));
    await cachedEqualsFresh(tree, cache);
    writeLines(tree, 'a/d.c', fn('plat_d', ['pr_debug("up\\n");', 'set_cpu_online(cpu, true);', 'plat_h(cpu);']));
    const again = await cachedEqualsFresh(tree, cache);
    assert.equal(again.stats.incremental, true);
    assert.equal(again.stats.parsed, 1);
    assert.deepEqual(again.findings.map((f) => `${f.function} ${f.code}`), ['plat_user HP001']);
  });
});

test('a changed file that calls through a token field is rescanned with the other files', async () => {
  await withDir(async (tree, cache) => {
    writeLines(tree, 'plat/ops.c', ['static int plat_kick(unsigned int cpu)', '{', '\treturn native_cpu_up(cpu, NULL);', '}', '', 'struct plat_ops plat_smp_ops = {', '\t.boot_cpu = plat_kick,', '};', '']);
    writeLines(tree, 'plat/up.c', fn('plat_up', ['xen_smp_intr_init(cpu);']));
    await cachedEqualsFresh(tree, cache);
    writeLines(tree, 'plat/up.c', fn('plat_up', ['plat_smp_ops.boot_cpu(cpu);', 'xen_smp_intr_init(cpu);']));
    const r = await cachedEqualsFresh(tree, cache);
    assert.equal(r.stats.incremental, false);
    assert.match(r.stats.notIncremental!, /calls through the field `boot_cpu`/);
    assert.deepEqual(r.findings.map((f) => `${f.function} ${f.code}`), ['plat_up HP001']);
  });
});

test('a changed summary reaches the callers of the fields it is stored in, though they do not name it', async () => {
  await withDir(async (tree, cache) => {
    const ops = (body: string) => ['static int plat_boot(unsigned int cpu)', '{', `\t${body}`, '\treturn 0;', '}', '', 'struct plat_ops plat_smp_ops = {', '\t.boot_cpu = plat_boot,', '};', ''];
    writeLines(tree, 'plat/ops.c', ops('native_cpu_up(cpu, NULL);'));
    writeLines(tree, 'drivers/user.c', fn('plat_user', ['ops->boot_cpu(cpu);', 'xen_smp_intr_init(cpu);']));
    assert.deepEqual((await cachedEqualsFresh(tree, cache)).findings.map((f) => `${f.function} ${f.code}`), ['plat_user HP001']);
    // plat_boot no longer publishes; only ops.c names it, but user.c calls it through .boot_cpu
    writeLines(tree, 'plat/ops.c', ops('pr_info("boot %u\\n", cpu);'));
    const r = await cachedEqualsFresh(tree, cache);
    assert.deepEqual(r.findings, []);
  });
});

test('edits to the bundled samples (every rule, HP004 included): only the edited file is parsed, same findings', async () => {
  await withDir(async (tree, cache) => {
    fs.cpSync(path.join(__dirname, '..', '..', '..', '..', 'samples'), tree, { recursive: true });
    const first = await cachedEqualsFresh(tree, cache);
    assert.deepEqual([...new Set(first.findings.map((f) => f.code))].sort(), ['HP001', 'HP002', 'HP003', 'HP004']);
    for (const rel of ['drivers/irqchip/irq-acme-ipi.c', 'arch/x86/xen/smp_hvm.c']) {
      const file = path.join(tree, rel);
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('{\n', '{\n\tpr_debug("reviewed\\n");\n'));
      const r = await cachedEqualsFresh(tree, cache);
      assert.equal(r.stats.incremental, true, `${rel}: ${r.stats.notIncremental}`);
      assert.equal(r.stats.parsed, 1);
      assert.equal(r.findings.length, first.findings.length);
    }
  });
});

/** mulberry32: a small seeded PRNG, so a failing step can be replayed. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DIRS = ['arch/a', 'arch/a/sub', 'arch/b', 'drivers/c'];
const NAMES = ['w_up', 'w_ipi', 'w_boot', 'w_die', 'w_wrap', 'w_free', 'w_start', 'w_stop', 'w_prep', 'w_kick', 'w_park', 'w_bind', 'w_unbind', 'w_online', 'w_dead', 'w_init'];
const STATEMENTS = [
  'native_cpu_up(cpu, NULL);',
  'xen_smp_intr_init(cpu);',
  'set_cpu_online(cpu, true);',
  'set_cpu_online(cpu, false);',
  'xen_smp_intr_free(cpu);',
  'ops->kick_cpu(cpu);',
  'pr_info("cpu %u\\n", cpu);',
];

/** A kernel-style file of 1-3 functions calling the knowledge base, each other, and storing each other in ops tables. */
function randomFile(rnd: () => number): string[] {
  const pick = <T>(a: T[]) => a[Math.floor(rnd() * a.length)];
  const out: string[] = [];
  const n = 1 + Math.floor(rnd() * 3);
  for (let i = 0; i < n; i++) {
    const body: string[] = [];
    for (let k = Math.floor(rnd() * 4); k > 0; k--) body.push(rnd() < 0.3 ? `${pick(NAMES)}(cpu);` : pick(STATEMENTS));
    out.push(...fn(pick(NAMES), body, rnd() < 0.3 ? 'static int' : 'int'));
  }
  if (rnd() < 0.3) out.push(`struct plat_ops ops_${Math.floor(rnd() * 1000)} = {`, `\t.kick_cpu = ${pick(NAMES)},`, '};', '');
  return out;
}

test('random edits to a small tree: the cached result always equals a fresh scan, and both ways are used', async () => {
  await withDir(async (tree, cache) => {
    const rnd = prng(20261125);
    const files = new Set<string>();
    const write = (rel: string) => {
      writeLines(tree, rel, randomFile(rnd));
      files.add(rel);
    };
    for (let i = 0; i < 8; i++) write(`${DIRS[i % DIRS.length]}/f${i}.c`);
    await cachedEqualsFresh(tree, cache);
    const ways = { incremental: 0, full: 0, reused: 0 };
    for (let step = 0; step < 60; step++) {
      const r = rnd();
      const list = [...files];
      if (r < 0.1 && list.length > 3) {
        const gone = list[Math.floor(rnd() * list.length)];
        fs.rmSync(path.join(tree, gone));
        files.delete(gone);
      } else if (r < 0.25) {
        // a new file whose function no other file names (the seed's kind of patch, or its fix)
        const body = [0, 1, 2].map(() => (rnd() < 0.3 ? `${NAMES[Math.floor(rnd() * NAMES.length)]}(cpu);` : STATEMENTS[Math.floor(rnd() * STATEMENTS.length)]));
        const rel = `${DIRS[Math.floor(rnd() * DIRS.length)]}/n${step}.c`;
        writeLines(tree, rel, fn(`plat_new_${step}`, body));
        files.add(rel);
      } else if (r < 0.6) {
        // a line added to a function's body
        const rel = list[Math.floor(rnd() * list.length)];
        const text = fs.readFileSync(path.join(tree, rel), 'utf8');
        fs.writeFileSync(path.join(tree, rel), text.replace('{\n', `{\n\tpr_debug("step ${step}\\n");\n`));
      } else write(list[Math.floor(rnd() * list.length)]);
      const res = await scan([tree], { cache });
      const fresh = await scan([tree]);
      assertSame(res.findings, fresh.findings, `step ${step}: ${res.stats.incremental ? 'incremental' : res.stats.notIncremental ?? res.stats.cache}`);
      if (res.stats.cache === 'reused') ways.reused++;
      else if (res.stats.incremental) ways.incremental++;
      else ways.full++;
    }
    assert.ok(ways.incremental >= 5 && ways.full >= 5, JSON.stringify(ways));
  });
});
