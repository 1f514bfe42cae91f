// Fixes keep the file's style: CRLF stays CRLF, spaces stay spaces, trailing comments and the rest stay put.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixesFor } from '../../../server/src/fix';
import { load, one } from './helpers';

test('CRLF file: new lines end in CRLF and the trailing comment stays with the publish', () => {
  const { p, file, text, findings } = load('crlf.c');
  const out = fixesFor(p, file, text, one(findings, 'HP001'));
  const fixed = out.fixes[0].newText;
  assert.equal(fixed, text.replace(
    '\trc = native_cpu_up(cpu, tidle); /* boots and waits for online */\r\n\tWARN_ON(xen_smp_intr_init(cpu));\r\n',
    '\trc = xen_smp_intr_init(cpu);\r\n\tWARN_ON(rc);\r\n\tif (!rc)\r\n\t\trc = native_cpu_up(cpu, tidle); /* boots and waits for online */\r\n',
  ));
  assert.equal(fixed.replace(/\r\n/g, '').includes('\n'), false, 'a bare LF slipped in');
});

test('space-indented nested block: guard indented by the block\'s own step', () => {
  const { p, file, text, findings } = load('spaces.c');
  const out = fixesFor(p, file, text, one(findings, 'HP001'));
  assert.equal(out.fixes[0].newText, text.replace(
    '        rc = native_cpu_up(cpu, tidle);\n        WARN_ON_ONCE(xen_smp_intr_init(cpu));\n',
    '        rc = xen_smp_intr_init(cpu);\n        WARN_ON_ONCE(rc);\n        if (!rc)\n            rc = native_cpu_up(cpu, tidle);\n',
  ));
  assert.equal(out.fixes[0].newText.includes('\t'), false);
});

test('bail-out jumps to the function\'s existing error label', () => {
  const { p, file, text, findings } = load('goto-label.c');
  const out = fixesFor(p, file, text, one(findings, 'HP001'));
  const bail = out.fixes.find((x) => x.variant === 'bail-out');
  assert.ok(bail, JSON.stringify(out.refusal));
  assert.equal(bail.newText, text.replace(
    '\tret = native_cpu_up(cpu, idle);\n\tWARN_ON(xen_smp_intr_init(cpu));\n',
    '\tret = xen_smp_intr_init(cpu);\n\tWARN_ON(ret);\n\tif (ret)\n\t\tgoto err_timer;\n\tret = native_cpu_up(cpu, idle);\n',
  ));
  assert.match(bail.title, /goto err_timer/);
});

test('non-ASCII text before the function (UTF-16 offsets) does not shift the edits', () => {
  const src = `/* Grüße, 测试 😀: offsets are UTF-16 code units */\n${load('seed-warn.c').text}`;
  const { p, file, text, findings } = load('seed-warn.c', src);
  const out = fixesFor(p, file, text, one(findings, 'HP001'));
  assert.equal(out.fixes[0].newText, text.replace(
    '\trc = native_cpu_up(cpu, tidle);\n\tWARN_ON(xen_smp_intr_init(cpu));\n',
    '\trc = xen_smp_intr_init(cpu);\n\tWARN_ON(rc);\n\tif (!rc)\n\t\trc = native_cpu_up(cpu, tidle);\n',
  ));
});

test('broken code earlier in the file: the fix still applies, the broken part is untouched', () => {
  const { p, file, text, findings } = load('after-broken.c');
  const out = fixesFor(p, file, text, one(findings, 'HP001'));
  assert.equal(out.fixes[0]?.newText, text.replace(
    '\trc = native_cpu_up(cpu, tidle);\n\tWARN_ON(xen_smp_intr_init(cpu));\n',
    '\trc = xen_smp_intr_init(cpu);\n\tWARN_ON(rc);\n\tif (!rc)\n\t\trc = native_cpu_up(cpu, tidle);\n',
  ), out.refusal);
});
