// Across the project's own fixtures (samples/ and test/fixtures/): every function the analysis flags with
// HP001/HP002/HP003 simulates to `race`, and its fixed version (quick fix, else minimal reorder) to `safe`.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { KnowledgeBase } from '../../../server/src/core/kb/kb';
import { Project } from '../../../server/src/core/project';
import { preferredFix } from '../../../server/src/fix';
import { simulateFunction } from '../../../server/src/sim/from-project';
import { simulateInput, SIM_CODES } from '../../../server/src/sim/simulate';
import { FIXTURES, input, read, step } from './witness';

const REPO = path.resolve(__dirname, '../../../..');

function cFiles(dir: string, out: string[] = []): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) cFiles(p, out);
    else if (/\.[ch]$/.test(e.name)) out.push(p);
  }
  return out;
}

function projectOf(file: string): Project {
  const p = new Project(KnowledgeBase.builtin());
  p.setFile(file, fs.readFileSync(file, 'utf8'));
  return p;
}

test('every flagged function of samples/ and test/fixtures/ races, and its fixed version is safe', () => {
  const files = [...cFiles(path.join(REPO, 'samples')), ...cFiles(path.join(REPO, 'test', 'fixtures'))];
  let checked = 0;
  const failures: string[] = [];
  for (const file of files) {
    const p = projectOf(file);
    const fns = [...new Set(p.findings(file).filter((f) => SIM_CODES.includes(f.code)).map((f) => f.function))];
    for (const fn of fns) {
      checked++;
      const fix = (f: Parameters<typeof preferredFix>[1], t: string) => preferredFix({ findingsForText: (a, b) => p.findingsForText(a, b), kb: p.kb }, f, t);
      const r = simulateFunction(p, file, fn, { cpus: 2 });
      const fixed = simulateFunction(p, file, fn, { cpus: 2, fixed: true, fix });
      if (r.verdict !== 'race' || fixed.verdict !== 'safe') failures.push(`${path.relative(REPO, file)} ${fn}: ${r.verdict} ${r.reason ?? ''} / fixed ${fixed.verdict} ${fixed.reason ?? ''}`);
      else {
        assert.ok(r.trace[r.trace.length - 1].bug);
        assert.ok(fixed.statesExplored > 0);
      }
    }
  }
  assert.deepEqual(failures, []);
  assert.ok(checked >= 10, `only ${checked} flagged functions found`);
});

test('the HP003 fixtures: teardown while online races on both sides, fixed order is safe', () => {
  const file = path.join(FIXTURES, 'teardown.c');
  const p = projectOf(file);
  for (const fn of ['hvm_cpu_die', 'my_cpu_disable', 'secondary_start']) {
    const r = simulateFunction(p, file, fn, { cpus: 1 });
    assert.equal(r.verdict, 'race', fn);
    // booting/dying-CPU code runs in the AP lane; the BP-side teardown is all BP work
    assert.equal(r.trace.some((s) => s.cpu === 1), fn !== 'hvm_cpu_die', fn);
  }
  const disable = simulateFunction(p, file, 'my_cpu_disable', { cpus: 1 });
  assert.ok(disable.trace.findIndex((s) => /unbind RESCHEDULE/.test(s.action)) < disable.trace.findIndex((s) => s.bug));
});

test('what cannot be modelled is said plainly', () => {
  const file = path.join(FIXTURES, 'teardown.c');
  const p = projectOf(file);
  const none = simulateFunction(p, file, 'no_such', {});
  assert.equal(none.verdict, 'error');
  assert.match(none.reason!, /no function 'no_such'/);
  const pre = read('seed-prefix.c');
  const apKick = simulateInput(input(pre.file, 'weird', [step(pre.text, 'xen_hvm_cpu_up(', 'native_cpu_up(cpu, tidle)', { cpu: 'self' })], { side: 'ap', cpu: 'self' }));
  assert.equal(apKick.verdict, 'error');
  assert.match(apKick.reason!, /boots CPU .* from code that runs on that CPU; this cannot be modelled/);
  const other = simulateInput(input(pre.file, 'xen_hvm_cpu_up', [step(pre.text, 'xen_hvm_cpu_up(', 'native_cpu_up(cpu, tidle)', { cpu: 'other' })]));
  assert.equal(other.verdict, 'error');
  assert.match(other.reason!, /no hot-plug events on CPU 'cpu'/);
  assert.equal(simulateInput(input(pre.file, 'x', []), { cpus: 99 }).verdict, 'error');
  // an HP004-only function (cpuhp registration) is named as not simulated
  const hp4 = path.join(REPO, 'samples', 'drivers', 'irqchip', 'irq-acme-ipi.c');
  if (fs.existsSync(hp4)) {
    const p4 = projectOf(hp4);
    const fn = p4.findings(hp4).find((f) => f.code === 'HP004')?.function;
    if (fn) assert.match(simulateFunction(p4, hp4, fn, {}).reason!, /HP004 .* is not simulated/);
  }
});
