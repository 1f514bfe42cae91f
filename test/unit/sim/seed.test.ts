// The seed's shapes (kernel-kb.md §0b, §5.2-5.3): pre-fix races, fixed is safe; failure ignored vs checked.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { simulateInput } from '../../../server/src/sim/simulate';
import { traceText } from '../../../server/src/sim/trace-text';
import { input, lineOf, read, step } from './witness';

const pre = read('seed-prefix.c');
const fixed = read('seed-fixed.c');
const HDR = 'xen_hvm_cpu_up(';

function preInput() {
  return input(pre.file, 'xen_hvm_cpu_up', [
    step(pre.text, HDR, 'native_cpu_up(cpu, tidle)'),
    step(pre.text, HDR, 'xen_smp_intr_init(cpu)', { outcome: 'unchecked' }),
  ]);
}

test('seed pre-fix shape: race, AP online, another CPU IPIs it before the bind, then BUG', () => {
  const r = simulateInput(preInput(), { cpus: 2 });
  assert.equal(r.verdict, 'race');
  const t = r.trace;
  const online = t.findIndex((s) => s.cpu === 1 && /set_cpu_online\(1, true\)/.test(s.action));
  assert.ok(online >= 0, 'AP goes online');
  assert.equal(t[online].line, lineOf(pre.text, 'native_cpu_up(cpu, tidle)'));
  const bugAt = t.findIndex((s) => s.bug);
  assert.equal(bugAt, t.length - 1, 'BUG is the last step');
  const send = t[bugAt - 1];
  assert.ok(['rcu', 'watchdog'].includes(send.actor), `sender is RCU or the watchdog, got ${send.actor}`);
  assert.notEqual(send.cpu, 1);
  assert.ok(online < bugAt - 1);
  // no RESCHEDULE bind happened before the BUG
  assert.equal(send.ipiReady.RESCHEDULE, false);
  assert.ok(!t.slice(0, bugAt).some((s) => /bind RESCHEDULE/.test(s.action)));
  assert.match(r.bug!.message, /^kernel BUG at drivers\/xen\/events.c:1328: xen_send_IPI_one: CPU \d sent RESCHEDULE to CPU 1 with no bound vector$/);
  assert.equal(r.bug!.sender, send.cpu);
  // the AP's interrupts are still off when it is hit: the BUG is on the sender's side
  assert.ok(!send.irqs.includes(1));
  // every code step points at its call's line
  for (const s of t.filter((x) => x.actor === 'xen_hvm_cpu_up')) assert.equal(s.line, lineOf(pre.text, 'native_cpu_up(cpu, tidle)'));
});

test('the trace is deterministic and shortest-first', () => {
  const a = simulateInput(preInput(), { cpus: 3 });
  const b = simulateInput(preInput(), { cpus: 3 });
  assert.deepEqual(a.trace, b.trace);
  assert.equal(a.statesExplored, b.statesExplored);
  // kick, AP online, IPI, BUG: nothing shorter can crash
  assert.equal(a.trace.length, 4);
});

test('seed fixed shape (from the fixed file): safe with states explored', () => {
  const w = [
    step(fixed.text, HDR, 'xen_smp_intr_init(cpu)', { outcome: 'ok' }),
    step(fixed.text, HDR, 'native_cpu_up(cpu, tidle)'),
  ];
  for (const cpus of [0, 2, 4]) {
    const r = simulateInput(input(fixed.file, 'xen_hvm_cpu_up', w), { cpus });
    assert.equal(r.verdict, 'safe', `cpus=${cpus}`);
    assert.ok(r.statesExplored > 20);
    assert.deepEqual(r.trace, []);
  }
});

test('--fixed on the pre-fix witness applies the minimal reorder and is safe', () => {
  const r = simulateInput(preInput(), { cpus: 2, fixed: true });
  assert.equal(r.verdict, 'safe');
  assert.equal(r.fixed, true);
});

test('each actor alone still finds the race; with no actors it is safe', () => {
  for (const actors of [{ rcu: true, watchdog: false, callFunction: false }, { rcu: false, watchdog: true, callFunction: false }, { rcu: false, watchdog: false, callFunction: true }]) {
    const r = simulateInput(preInput(), { cpus: 2, actors });
    assert.equal(r.verdict, 'race', JSON.stringify(actors));
  }
  const none = simulateInput(preInput(), { cpus: 2, actors: { rcu: false, watchdog: false, callFunction: false } });
  assert.equal(none.verdict, 'safe');
});

test('the BP itself is a sender when there are no other CPUs', () => {
  const r = simulateInput(preInput(), { cpus: 0 });
  assert.equal(r.verdict, 'race');
  assert.equal(r.bug!.sender, 0);
});

test('bounds give bounded, never safe', () => {
  const w = [step(fixed.text, HDR, 'xen_smp_intr_init(cpu)', { outcome: 'ok' }), step(fixed.text, HDR, 'native_cpu_up(cpu, tidle)')];
  const r = simulateInput(input(fixed.file, 'xen_hvm_cpu_up', w), { cpus: 4, maxStates: 50 });
  assert.equal(r.verdict, 'bounded');
  assert.match(r.reason!, /state bound/);
});

test('failure ignored (WARN_ON) races through the failure branch; checked is safe', () => {
  const f = read('setup-ignored.c');
  const ign = input(f.file, 'pvh_vcpu_up', [
    step(f.text, 'pvh_vcpu_up(', 'xen_smp_intr_init(cpu)', { outcome: 'unchecked' }),
    step(f.text, 'pvh_vcpu_up(', 'native_cpu_up(cpu, idle)'),
  ], { code: 'HP002' });
  const r = simulateInput(ign, { cpus: 2 });
  assert.equal(r.verdict, 'race');
  assert.ok(r.trace.some((s) => /set-up FAILS/.test(s.action)), 'the trace takes the failure branch');
  assert.equal(r.trace.find((s) => /FAILS/.test(s.action))!.line, lineOf(f.text, 'xen_smp_intr_init(cpu)'));
  const checked = input(f.file, 'pvh_vcpu_up_checked', [
    step(f.text, 'pvh_vcpu_up_checked(', 'xen_smp_intr_init(cpu)', { outcome: 'ok' }),
    step(f.text, 'pvh_vcpu_up_checked(', 'native_cpu_up(cpu, idle)'),
  ]);
  assert.equal(simulateInput(checked, { cpus: 2 }).verdict, 'safe');
  assert.equal(simulateInput(ign, { cpus: 2, fixed: true }).verdict, 'safe');
});

test('the .hptrace text names the function, verdict, BUG and each step', () => {
  const r = simulateInput(preInput(), { cpus: 2 });
  const txt = traceText(r);
  assert.match(txt, /^# hotplug-race trace v1\nfunction: xen_hvm_cpu_up\n/);
  assert.match(txt, /\nverdict: race\n/);
  assert.match(txt, /\nbug: kernel BUG at drivers\/xen\/events.c:1328/);
  const rows = txt.split('\n').filter((l) => /^[ !]\s*\d+ \| /.test(l));
  assert.equal(rows.length, r.trace.length);
  assert.match(rows[rows.length - 1], /^!/);
  assert.match(rows[0], /seed-prefix\.c:8 /);
});
