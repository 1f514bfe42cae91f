// The seed's shape: the preferred fix is the upstream patch, byte for byte; the other variants and re-application.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixesFor, applyEdits } from '../../../server/src/fix';
import { load, one } from './helpers';

const BEFORE = '\trc = native_cpu_up(cpu, tidle);\n\tWARN_ON(xen_smp_intr_init(cpu));\n';

function variant(name: string, text?: string) {
  const { p, file, text: t, findings } = load(name, text);
  const f = one(findings, 'HP001');
  return { p, file, text: t, f, out: fixesFor(p, file, t, f) };
}

test('preferred HP001 fix on the seed shape is the upstream patch', () => {
  const { text, out } = variant('seed-warn.c');
  assert.ok(text.includes(BEFORE));
  const preferred = out.fixes.find((x) => x.preferred)!;
  assert.equal(preferred.variant, 'guard');
  assert.equal(preferred.newText, text.replace(BEFORE, '\trc = xen_smp_intr_init(cpu);\n\tWARN_ON(rc);\n\tif (!rc)\n\t\trc = native_cpu_up(cpu, tidle);\n'));
  assert.equal(out.fixes.filter((x) => x.preferred).length, 1);
});

test('edits are small and apply to the original text', () => {
  const { text, out } = variant('seed-warn.c');
  for (const fix of out.fixes) {
    assert.equal(applyEdits(text, fix.edits), fix.newText);
    for (const e of fix.edits) assert.ok(e.end - e.start < 80, `edit ${e.start}-${e.end} is not minimal`);
  }
});

test('bail-out variant returns the status before publishing', () => {
  const { text, out } = variant('seed-warn.c');
  const bail = out.fixes.find((x) => x.variant === 'bail-out');
  assert.ok(bail, JSON.stringify(out));
  assert.equal(bail.newText, text.replace(BEFORE, '\trc = xen_smp_intr_init(cpu);\n\tWARN_ON(rc);\n\tif (rc)\n\t\treturn rc;\n\trc = native_cpu_up(cpu, tidle);\n'));
});

test('move-only is not offered when it would leave the failure ignored (HP002)', () => {
  const { out } = variant('seed-warn.c');
  assert.equal(out.fixes.some((x) => x.variant === 'move'), false);
});

test('without a wrapper there is nothing to keep', () => {
  const { text, out } = variant('seed-warn.c', load('seed-warn.c').text.replace('WARN_ON(xen_smp_intr_init(cpu));', 'xen_smp_intr_init(cpu);'));
  assert.equal(out.fixes[0].newText, text.replace('\trc = native_cpu_up(cpu, tidle);\n\txen_smp_intr_init(cpu);\n', '\trc = xen_smp_intr_init(cpu);\n\tif (!rc)\n\t\trc = native_cpu_up(cpu, tidle);\n'));
});

test('BUG_ON stays a BUG_ON and needs no guard', () => {
  const { text, out } = variant('seed-warn.c', load('seed-warn.c').text.replace('WARN_ON(xen_smp_intr_init', 'BUG_ON(xen_smp_intr_init'));
  assert.equal(out.fixes[0].newText, text.replace('\trc = native_cpu_up(cpu, tidle);\n\tBUG_ON(xen_smp_intr_init(cpu));\n', '\trc = xen_smp_intr_init(cpu);\n\tBUG_ON(rc);\n\trc = native_cpu_up(cpu, tidle);\n'));
});

test('no status variable: one is introduced with the function\'s indentation', () => {
  const src = load('seed-warn.c').text.replace('\tint rc;\n', '\tint other = 0;\n').replace('\trc = native_cpu_up(cpu, tidle);', '\tnative_cpu_up(cpu, tidle);').replace('return rc;', 'return other;');
  const { text, out } = variant('seed-warn.c', src);
  const fixed = out.fixes[0].newText;
  assert.ok(fixed.includes('\tint other = 0;\n\tint rc;\n'), fixed);
  assert.ok(fixed.includes('\trc = xen_smp_intr_init(cpu);\n\tWARN_ON(rc);\n\tif (!rc)\n\t\tnative_cpu_up(cpu, tidle);\n'), fixed);
  assert.notEqual(fixed, text);
});

test('applying the preferred fix twice is a no-op', () => {
  const { p, file, out } = variant('seed-warn.c');
  const once = out.fixes[0].newText;
  const again = p.findingsForText(file, once).filter((f) => ['HP001', 'HP002', 'HP003'].includes(f.code));
  assert.deepEqual(again.map((f) => f.code), []);
});
