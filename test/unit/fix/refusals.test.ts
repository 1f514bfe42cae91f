// Where moving would change meaning, no fix is offered and the reason says why.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixesFor, fixRefusal } from '../../../server/src/fix';
import { load, one } from './helpers';

const CASES: [string, RegExp][] = [
  ['up_arg_between', /arguments use `name`, which is computed between the two calls/],
  ['up_larger_expr', /part of a larger expression whose other parts must stay put/],
  ['up_loop', /different blocks/],
  ['up_call_between', /would also reorder it with `smp_store_cpu_info\(\)`, whose order may matter/],
  ['up_macro_between', /HVM_CHECK_VCPU_OR_RETURN\(\)` between the calls is an unknown macro that may hide control flow/],
];

for (const [fn, reason] of CASES) {
  test(`refuses ${fn} and says why`, () => {
    const { p, file, text, findings } = load('refusals.c');
    const f = one(findings, 'HP001', fn);
    const out = fixesFor(p, file, text, f);
    assert.deepEqual(out.fixes, []);
    assert.match(out.refusal ?? '', reason);
    assert.match(fixRefusal(p, f, text) ?? '', reason);
  });
}

test('an unknown macro wrapping the set-up is refused too', () => {
  const src = load('seed-warn.c').text.replace('WARN_ON(xen_smp_intr_init(cpu));', 'XEN_TRY(xen_smp_intr_init(cpu));');
  const { p, file, text, findings } = load('seed-warn.c', src);
  const out = fixesFor(p, file, text, one(findings, 'HP001'));
  assert.deepEqual(out.fixes, []);
  assert.match(out.refusal ?? '', /unknown macro `XEN_TRY\(\)`/);
});

test('a fix that does not verify is not offered (fixRefusal is undefined only when one is)', () => {
  const { p, text, findings } = load('seed-warn.c');
  assert.equal(fixRefusal(p, one(findings, 'HP001'), text), undefined);
});
