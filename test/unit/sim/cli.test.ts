// `hotplug-race simulate` end to end: exit codes 0/1/2/3, JSON contract, Promela that Spin verifies alike.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { run } from '../../../server/src/cli/simulate-command';
import { runSpin, spinAvailable } from '../../../server/src/sim/spin-run';
import { FIXTURES, lineOf } from './witness';

async function cli(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await run(argv, { out: (t) => void (out += t), err: (t) => void (err += t), cwd: process.cwd() });
  return { code, out, err };
}
const PRE = path.join(FIXTURES, 'seed-prefix.c');
const FIXED = path.join(FIXTURES, 'seed-fixed.c');

test('json: race with exit 1, the contract fields, lines of the fixture', async () => {
  const r = await cli(PRE, '--function', 'xen_hvm_cpu_up', '--format', 'json');
  assert.equal(r.code, 1, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.verdict, 'race');
  assert.ok(Number.isInteger(j.statesExplored) && typeof j.ms === 'number');
  assert.deepEqual(Object.keys(j.bug).sort(), ['message', 'sender', 'target', 'vector']);
  for (const s of j.trace) for (const k of ['step', 'cpu', 'actor', 'action', 'file', 'line', 'online', 'ipiReady']) assert.ok(k in s, k);
  const text = fs.readFileSync(PRE, 'utf8');
  assert.equal(j.trace[0].line, lineOf(text, 'native_cpu_up(cpu, tidle)'));
  assert.ok(j.trace[1].online.includes(1));
});

test('fixed file and --fixed are safe (exit 0); bounds exit 3; --cpus changes the state count', async () => {
  const a = await cli(FIXED, '--function', 'xen_hvm_cpu_up', '--format', 'json');
  assert.equal(a.code, 0, a.err);
  const b = await cli(PRE, '--function', 'xen_hvm_cpu_up', '--fixed', '--cpus', '4', '--format', 'json');
  assert.equal(b.code, 0, b.err);
  assert.ok(JSON.parse(b.out).statesExplored > JSON.parse(a.out).statesExplored);
  const c = await cli(FIXED, '--function', 'xen_hvm_cpu_up', '--max-states', '5');
  assert.equal(c.code, 3);
  assert.match(c.out, /verdict: bounded/);
});

test('bad input: clear messages and exit 2, never a crash', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hp-sim-'));
  const bin = path.join(dir, 'x.c');
  fs.writeFileSync(bin, Buffer.from([0x7f, 0x45, 0, 1, 2]));
  const broken = path.join(dir, 'broken.c');
  fs.writeFileSync(broken, 'static int f(unsigned int cpu) { native_cpu_up(cpu, NULL); xen_smp_intr_init(cpu) \n int g( {{{');
  const cases: [string[], RegExp][] = [
    [[PRE], /--function NAME is required/],
    [[PRE, '--function', 'nope'], /no function 'nope'/],
    [[bin, '--function', 'f'], /binary/],
    [[path.join(dir, 'missing.c'), '--function', 'f'], /cannot read/],
    [[PRE, '--function', 'xen_hvm_cpu_up', '--cpus', 'lots'], /--cpus must be an integer/],
    [[PRE, '--function', 'xen_hvm_cpu_up', '--format', 'xml'], /unknown format/],
    [[PRE, '--function', 'xen_hvm_cpu_up', '--bogus'], /bogus/],
    [[PRE, '--function', '<img src=x>'], /not a C function name/],
  ];
  for (const [argv, re] of cases) {
    const r = await cli(...argv);
    assert.equal(r.code, 2, argv.join(' '));
    assert.match(r.err, re);
  }
  const b = await cli(broken, '--function', 'f', '--format', 'json');
  assert.ok([1, 2].includes(b.code), b.err);
});

test('--emit promela: Spin gives the same verdicts as the explorer', { skip: !spinAvailable() && 'spin/gcc not installed' }, async () => {
  for (const [argv, want] of [
    [[PRE, '--function', 'xen_hvm_cpu_up'], 'race'],
    [[PRE, '--function', 'xen_hvm_cpu_up', '--fixed'], 'safe'],
    [[FIXED, '--function', 'xen_hvm_cpu_up', '--cpus', '3'], 'safe'],
    [[path.join(FIXTURES, 'setup-ignored.c'), '--function', 'pvh_vcpu_up'], 'race'],
    [[path.join(FIXTURES, 'teardown.c'), '--function', 'my_cpu_disable'], 'race'],
    [[path.join(FIXTURES, 'teardown.c'), '--function', 'hvm_cpu_die', '--fixed'], 'safe'],
  ] as [string[], string][]) {
    const p = await cli(...argv, '--emit', 'promela');
    assert.equal(p.code, 0, p.err);
    const s = runSpin(p.out);
    assert.equal(s.verdict, want, `${argv.join(' ')}\n${s.output}`);
    const ours = await cli(...argv, '--format', 'json');
    assert.equal(JSON.parse(ours.out).verdict, want);
  }
});
