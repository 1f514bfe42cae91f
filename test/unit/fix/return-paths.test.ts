// Fixes must not create a path that falls off the end of a non-void function or returns an unset value:
// no guard on a publish that is returned, or whose stored result a later return reads.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixesFor, verifyFix } from '../../../server/src/fix';
import { newFallOff } from '../../../server/src/fix/verify';
import { load, one } from './helpers';

const fx = () => load('return-stored.c');

test('HP002, publish returned directly (the VS Code Fix-all bug): bail out, never `if (!rc) return ...`', () => {
  const { p, file, text, findings } = fx();
  const out = fixesFor(p, file, text, one(findings, 'HP002', 'xen_up_returned'));
  assert.deepEqual(out.fixes.map((x) => x.variant), ['bail-out'], out.refusal);
  assert.equal(out.fixes[0].preferred, true);
  assert.equal(out.fixes[0].newText, text.replace(
    '{\n\txen_smp_intr_init(cpu);\n\treturn native_cpu_up(cpu, idle);\n}',
    '{\n\tint rc;\n\n\trc = xen_smp_intr_init(cpu);\n\tif (rc)\n\t\treturn rc;\n\treturn native_cpu_up(cpu, idle);\n}',
  ));
});

test('HP002, publish stored in a variable the return reads (not the status): bail out only', () => {
  const { p, file, text, findings } = fx();
  const out = fixesFor(p, file, text, one(findings, 'HP002', 'xen_up_stored'));
  assert.deepEqual(out.fixes.map((x) => x.variant), ['bail-out'], out.refusal);
  assert.equal(out.fixes[0].newText, text.replace(
    '\txen_smp_intr_init(cpu);\n\tret = cpu_up_result(native_cpu_up(cpu, idle));\n',
    '\trc = xen_smp_intr_init(cpu);\n\tif (rc)\n\t\treturn rc;\n\tret = cpu_up_result(native_cpu_up(cpu, idle));\n',
  ));
});

test('HP002, publish stored in the status itself: the guard stays preferred (rc holds the error on failure)', () => {
  const { p, file, text, findings } = fx();
  const out = fixesFor(p, file, text, one(findings, 'HP002', 'xen_up_shared'));
  assert.deepEqual(out.fixes.map((x) => x.variant), ['guard', 'bail-out']);
  assert.equal(out.fixes[0].newText, text.replace(
    '\txen_smp_intr_init(cpu);\n\trc = native_cpu_up(cpu, idle);\n\treturn rc;\n',
    '\trc = xen_smp_intr_init(cpu);\n\tif (!rc)\n\t\trc = native_cpu_up(cpu, idle);\n\treturn rc;\n',
  ));
});

test('HP001, publish stored in a field the return reads: set up first and bail out, no guard', () => {
  const { p, file, text, findings } = fx();
  const out = fixesFor(p, file, text, one(findings, 'HP001', 'xen_up_field'));
  assert.deepEqual(out.fixes.map((x) => x.variant), ['bail-out'], out.refusal);
  assert.equal(out.fixes[0].newText, text.replace(
    '\tst->status = native_cpu_up(cpu, idle);\n\trc = xen_smp_intr_init(cpu);\n',
    '\trc = xen_smp_intr_init(cpu);\n\tif (rc)\n\t\treturn rc;\n\tst->status = native_cpu_up(cpu, idle);\n',
  ));
});

// The old guard output for the returned publish: it parses and clears HP002, so only the new check rejects it.
const FALLS_OFF = '{\n\tint rc;\n\n\trc = xen_smp_intr_init(cpu);\n\tif (!rc)\n\t\treturn native_cpu_up(cpu, idle);\n}';
const ORIGINAL = '{\n\txen_smp_intr_init(cpu);\n\treturn native_cpu_up(cpu, idle);\n}';

test('verification rejects a fix that lets a non-void function fall off its end', () => {
  const { p, file, text, findings } = fx();
  const f = one(findings, 'HP002', 'xen_up_returned');
  const bad = text.replace(ORIGINAL, FALLS_OFF);
  assert.notEqual(bad, text);
  const v = verifyFix(p, file, text, bad, f);
  assert.ok('reason' in v, 'rejected');
  assert.equal(v.reason, 'the fixed code would let `xen_up_returned()` fall off its end without returning a value');
  // The same text with a final return is accepted.
  const good = text.replace(ORIGINAL, FALLS_OFF.replace(/\n}$/, '\n\treturn rc;\n}'));
  assert.ok('after' in verifyFix(p, file, text, good, f));
});

test('verification rejects a fix that drops a return', () => {
  const { p, file, text, findings } = fx();
  const f = one(findings, 'HP002', 'xen_up_returned');
  const dropped = text.replace(ORIGINAL, '{\n\tint rc;\n\n\trc = xen_smp_intr_init(cpu);\n\tif (!rc)\n\t\tnative_cpu_up(cpu, idle);\n\tBUG();\n}');
  assert.equal(newFallOff(text, dropped, f), 'the fixed code would drop a return from `xen_up_returned()`');
});

test('fall-off check: branches that all return, no-return calls and void functions are fine', () => {
  const { text, findings } = fx();
  const f = one(findings, 'HP002', 'xen_up_returned');
  const ifElse = text.replace(ORIGINAL, '{\n\tif (xen_smp_intr_init(cpu))\n\t\treturn -EIO;\n\telse\n\t\treturn native_cpu_up(cpu, idle);\n}');
  assert.equal(newFallOff(text, ifElse, f), undefined);
  const noRet = text.replace(ORIGINAL, '{\n\tint rc;\n\n\trc = xen_smp_intr_init(cpu);\n\tif (!rc)\n\t\treturn native_cpu_up(cpu, idle);\n\tpanic("no IPIs");\n}');
  assert.equal(newFallOff(text, noRet, f), undefined);
  const asVoid = text.replace('static int xen_up_returned', 'static void xen_up_returned');
  assert.ok(asVoid.slice(f.functionSpan.start).startsWith('static void xen_up_returned('));
  const voidSpan = { ...f.functionSpan, end: f.functionSpan.end + 1 };
  assert.equal(newFallOff(asVoid, asVoid.replace(ORIGINAL, FALLS_OFF), { ...f, functionSpan: voidSpan }), undefined);
});
