// `hotplug-race fix`: the diff applies with git, --write fixes the files so that `scan` finds nothing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { FIXTURES } from './helpers';

const BIN = path.join(__dirname, '..', '..', '..', '..', 'bin', 'hotplug-race.js');
const FIXABLE = ['seed-warn.c', 'goto-label.c', 'crlf.c', 'spaces.c', 'hp002.c', 'hp003.c'];

function cli(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const made: string[] = [];
after(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

function tmp(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hp-fix-'));
  made.push(dir);
  return dir;
}

function repo(): string {
  const dir = tmp();
  fs.mkdirSync(path.join(dir, 'arch', 'x86'), { recursive: true });
  for (const f of FIXABLE) fs.copyFileSync(path.join(FIXTURES, f), path.join(dir, 'arch', 'x86', f));
  for (const args of [['init', '-q'], ['add', '.'], ['-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qm', 'base']]) {
    assert.equal(spawnSync('git', args, { cwd: dir }).status, 0);
  }
  return dir;
}

test('fix prints a diff that git apply accepts; exit 1', () => {
  const dir = repo();
  const r = cli(['fix', 'arch'], dir);
  assert.equal(r.code, 1, r.err);
  assert.match(r.out, /^diff --git a\/arch\/x86\/crlf\.c b\/arch\/x86\/crlf\.c$/m);
  fs.writeFileSync(path.join(dir, 'fix.patch'), r.out);
  const check = spawnSync('git', ['apply', '--check', 'fix.patch'], { cwd: dir, encoding: 'utf8' });
  assert.equal(check.status, 0, check.stderr);
  // Nothing was written.
  assert.equal(spawnSync('git', ['status', '--porcelain', 'arch'], { cwd: dir, encoding: 'utf8' }).stdout, '');
});

test('fix --write, then scan finds nothing and fix has nothing left (exit 0)', () => {
  const dir = repo();
  const before = cli(['scan', 'arch', '--format', 'json'], dir);
  assert.equal(before.code, 1);
  assert.ok(JSON.parse(before.out).findings.length >= FIXABLE.length);
  const w = cli(['fix', 'arch', '--write'], dir);
  assert.equal(w.code, 1, w.err);
  const after = cli(['scan', 'arch', '--format', 'json'], dir);
  assert.deepEqual(JSON.parse(after.out).findings, []);
  assert.equal(after.code, 0);
  assert.equal(cli(['fix', 'arch'], dir).code, 0);
  // The CRLF file kept its line ends.
  const crlf = fs.readFileSync(path.join(dir, 'arch', 'x86', 'crlf.c'), 'utf8');
  assert.equal(/[^\r]\n/.test(crlf), false);
});

test('fix: refusals are notes on stderr, bad paths exit 2', () => {
  const dir = tmp();
  fs.copyFileSync(path.join(FIXTURES, 'refusals.c'), path.join(dir, 'refusals.c'));
  const r = cli(['fix', 'refusals.c'], dir);
  assert.equal(r.code, 0);
  assert.equal(r.out, '');
  assert.match(r.err, /refusals\.c:\d+:\d+: note: no fix for HP001 in up_loop\(\): .*different blocks/);
  assert.equal(cli(['fix', 'no-such-dir'], dir).code, 2);
  assert.equal(cli(['fix', '--bogus'], dir).code, 2);
});

test('fix: binary and broken files do not stop the others; a fix after a syntax error still applies', () => {
  const dir = tmp();
  fs.writeFileSync(path.join(dir, 'blob.c'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3]));
  const seed = fs.readFileSync(path.join(FIXTURES, 'seed-warn.c'), 'utf8');
  fs.writeFileSync(path.join(dir, 'broken.c'), `static int half_written(int cpu\n{\n\tif (cpu\n}\n\n${seed}`);
  const r = cli(['fix', '--write', '.'], dir);
  assert.equal(r.code, 1, r.err);
  assert.match(r.err, /blob\.c: skipped, binary file/);
  const fixed = fs.readFileSync(path.join(dir, 'broken.c'), 'utf8');
  assert.ok(fixed.includes('\trc = xen_smp_intr_init(cpu);\n\tWARN_ON(rc);\n\tif (!rc)\n\t\trc = native_cpu_up(cpu, tidle);\n'), fixed);
  assert.ok(fixed.startsWith('static int half_written(int cpu\n{\n\tif (cpu\n}\n'));
});

test('fix --rules: calls known only through a rules file are fixed; a bad rules file exits 2 with its position', () => {
  const cliFixtures = path.join(FIXTURES, '..', 'cli');
  const dir = tmp();
  fs.copyFileSync(path.join(cliFixtures, 'custom_up.c'), path.join(dir, 'custom_up.c'));
  const r = cli(['fix', '--rules', path.join(cliFixtures, 'custom-rules.json'), 'custom_up.c'], dir);
  assert.equal(r.code, 1, r.err);
  assert.match(r.out, /^-\tboard_release_cpu\(cpu\);\n \tboard_ipi_enable\(cpu\);\n\+\tboard_release_cpu\(cpu\);$/m);
  const bad = cli(['fix', '--rules', path.join(cliFixtures, 'bad-rules.json'), 'custom_up.c'], dir);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /bad-rules\.json:\d+:\d+: error: /);
});
