// In a git work tree the scan cache identifies unmodified files by their blob in git's index, so a checkout that only
// rewrote every file (new mtimes, the same commit: a CI job) still reuses the cached result.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { scan } from '../../../server/src/cli/scan-engine';
import { gitStamps } from '../../../server/src/cli/git-stamps';
import { writeLines } from './helpers';

const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], { cwd, encoding: 'utf8' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A git work tree at <tmp>/src with one race, committed; `body` gets the work tree. */
async function repo(body: (dir: string) => Promise<void>): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hp-git-'));
  const dir = path.join(tmp, 'src');
  try {
    const w = (rel: string, lines: string[]) => writeLines(dir, rel, lines);
    w('soc/smp.c', ['int soc_boot_cpu(unsigned int cpu, struct task_struct *idle)', '{', '\tint err = native_cpu_up(cpu, idle);', '', '\tif (err)', '\t\treturn err;', '\treturn xen_smp_intr_init(cpu);', '}']);
    w('soc/irq.c', ['int soc_irq_init(void)', '{', '\treturn 0;', '}']);
    w('lib/sum.c', ['int sum(int a, int b)', '{', '\treturn a + b;', '}']);
    await sleep(30); // past the file system clock's step, so the index's entries are not racy
    git(dir, 'init', '-q');
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'tree');
    await sleep(30);
    await body(dir);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** A fresh clone of the same commit in the same place: every file has a new inode and new times. */
async function freshCheckout(dir: string): Promise<void> {
  const old = `${dir}.old`;
  fs.renameSync(dir, old);
  git(path.dirname(dir), 'clone', '-q', old, dir);
  fs.rmSync(old, { recursive: true, force: true });
  await sleep(30);
}

test('git stamps: the index blob for files git vouches for, nothing for modified or untracked ones', async () => {
  await repo(async (dir) => {
    fs.appendFileSync(path.join(dir, 'lib', 'sum.c'), '/* edited */\n');
    fs.writeFileSync(path.join(dir, 'lib', 'new.c'), 'int n;\n');
    const files = ['soc/smp.c', 'soc/irq.c', 'lib/sum.c', 'lib/new.c'].map((f) => path.join(dir, f));
    const stamps = gitStamps(files, [dir]);
    const blob = git(dir, 'rev-parse', 'HEAD:soc/smp.c').trim();
    assert.equal(stamps.get(files[0]), `git:${blob}`);
    assert.ok(stamps.get(files[1])?.startsWith('git:'));
    assert.equal(stamps.has(files[2]), false, 'modified after the index was written');
    assert.equal(stamps.has(files[3]), false, 'untracked');
    assert.equal(gitStamps(files, [os.tmpdir()]).size, 0, 'a root outside the work tree');
  });
});

test('a fresh checkout of the same commit reuses the cached result', async () => {
  await repo(async (dir) => {
    const cache = path.join(dir, '..', 'cache.json');
    const first = await scan([dir], { cache });
    assert.equal(first.stats.cache, 'created');
    assert.equal(first.findings.length, 1);
    const before = fs.statSync(path.join(dir, 'soc', 'smp.c'));
    await freshCheckout(dir);
    assert.notEqual(fs.statSync(path.join(dir, 'soc', 'smp.c')).mtimeMs, before.mtimeMs);
    const again = await scan([dir], { cache });
    assert.equal(again.stats.cache, 'reused');
    assert.equal(again.stats.changed, 0);
    assert.equal(JSON.stringify(again.findings), JSON.stringify(first.findings));
  });
});

test('a file marked assume-unchanged is not vouched for: its edit is seen', async () => {
  await repo(async (dir) => {
    const cache = path.join(dir, '..', 'cache.json');
    assert.equal((await scan([dir], { cache })).findings.length, 1);
    git(dir, 'update-index', '--assume-unchanged', 'soc/smp.c');
    // the fix: vectors first
    fs.writeFileSync(
      path.join(dir, 'soc', 'smp.c'),
      ['int soc_boot_cpu(unsigned int cpu, struct task_struct *idle)', '{', '\tint err = xen_smp_intr_init(cpu);', '', '\tif (err)', '\t\treturn err;', '\treturn native_cpu_up(cpu, idle);', '}', ''].join('\n'),
    );
    const r = await scan([dir], { cache });
    assert.equal(r.stats.cache, 'updated');
    assert.equal(r.findings.length, 0);
  });
});

test('a cache committed to the repository is not trusted', async () => {
  await repo(async (dir) => {
    const cache = path.join(dir, '.hotplug-race-cache');
    await scan([dir], { cache });
    // a crafted "no findings" result, committed where --cache looks for it
    const data = JSON.parse(fs.readFileSync(cache, 'utf8'));
    fs.writeFileSync(cache, JSON.stringify({ ...data, findings: [] }));
    git(dir, 'add', '.hotplug-race-cache');
    git(dir, 'commit', '-qm', 'cache');
    const warnings: string[] = [];
    const r = await scan([dir], { cache, onWarning: (m) => warnings.push(m) });
    assert.equal(r.stats.cache, 'created');
    assert.equal(r.findings.length, 1);
    assert.ok(warnings.some((w) => /tracked by git; a cache from the repository is not trusted/.test(w)), warnings.join('\n'));
  });
});
