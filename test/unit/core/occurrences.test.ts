// The scan's admission gate reads token occurrences without parsing: definitions must never be missed
// (a missed one could hide a nearer definition), and calls through fields must be told from plain calls.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { occurrencesIn } from '../../../server/src/core/occurrences';
import { identifierPattern } from '../../../server/src/core/prefilter';

const occ = (text: string, tokens = ['acme_up', 'acme_ipi']) => {
  const o = occurrencesIn(text, identifierPattern(tokens)!);
  return { defines: [...o.defines].sort(), calls: [...o.calls].sort(), fieldCalls: [...o.fieldCalls].sort() };
};

test('definitions: annotations, attributes, directives and comments between the header and the body', () => {
  assert.deepEqual(occ('static int __init acme_up(unsigned int cpu)\n{\n\treturn 0;\n}\n').defines, ['acme_up']);
  assert.deepEqual(occ('int acme_up(unsigned int cpu) __acquires(&lock)\n{\n}\n').defines, ['acme_up']);
  assert.deepEqual(occ('int acme_up(unsigned int cpu /* the (new) CPU ) */)\n/* body */\n{\n}\n').defines, ['acme_up']);
  assert.deepEqual(occ('#ifdef CONFIG_ACME\nint acme_up(int cpu)\n#else\nint acme_up(void)\n#endif\n{\n}\n').defines, ['acme_up']);
  assert.deepEqual(occ('#define acme_up(cpu) native_cpu_up(cpu, NULL)\n').defines, ['acme_up']);
  assert.deepEqual(occ('#define acme_ipi acme_ipi_v2\n').defines, ['acme_ipi']);
});

test('calls, prototypes and calls through fields are not definitions', () => {
  assert.deepEqual(occ('int acme_up(unsigned int cpu);\n'), { defines: [], calls: ['acme_up'], fieldCalls: [] });
  assert.deepEqual(occ('void f(int cpu)\n{\n\tif (acme_up(cpu)) {\n\t\tacme_ipi(cpu);\n\t}\n}\n'), { defines: [], calls: ['acme_ipi', 'acme_up'], fieldCalls: [] });
  assert.deepEqual(occ('void f(int cpu)\n{\n\tops->acme_up(cpu);\n\tops. /* why */ acme_ipi (cpu);\n}\n'), { defines: [], calls: [], fieldCalls: ['acme_ipi', 'acme_up'] });
  // Text in literals is read as code: a header-like string over-approximates (one more file parsed), never hides.
  assert.deepEqual(occ('\tpr_info("acme_up(%d) {", cpu);\n\tacme_ipi(")");\n'), { defines: ['acme_up'], calls: ['acme_ipi'], fieldCalls: [] });
});

test('words that are neither calls nor definitions are not recorded; substrings are not words', () => {
  assert.deepEqual(occ('\tx->acme_up = true;\n\tint acme_ipi_count = acme_up;\n\tacme_upper(1);\n'), { defines: [], calls: [], fieldCalls: [] });
});

test('an unclosed header counts as a definition rather than being missed', () => {
  assert.deepEqual(occ('int acme_up(int cpu' + ', int x'.repeat(5000)).defines, ['acme_up']);
});

test('stores into token fields and of token names are flagged, so only those files run the store patterns', () => {
  const p = identifierPattern(['acme_up', 'acme_ipi'])!;
  const a = occurrencesIn('static struct acme_ops ops = {\n\t.acme_up = acme_ipi,\n};\n', p);
  assert.equal(a.fieldAssigned, true);
  assert.equal(a.assignedFrom, true);
  const b = occurrencesIn('\tops->handler = (&acme_ipi);\n', p);
  assert.equal(b.fieldAssigned, false);
  assert.equal(b.assignedFrom, true);
  const c = occurrencesIn('\tif (ops->acme_up == NULL)\n\t\treturn acme_ipi(cpu);\n', p);
  assert.equal(c.fieldAssigned, false);
  assert.equal(c.assignedFrom, false);
});

test('look-aheads have a budget per text: an occurrence repeated over 5 MB is classified at once, conservatively', () => {
  // Before the budget each `acme_up(` read up to 20,000 characters ahead: 30 s for this text.
  for (const unit of ['acme_up(\n', 'acme_up(x;\n', 'acme_up(1) ']) {
    const text = unit.repeat(Math.floor(5e6 / unit.length));
    const t = Date.now();
    const o = occurrencesIn(text, identifierPattern(['acme_up'])!);
    assert.ok(Date.now() - t < 5000, `${JSON.stringify(unit)}: ${Date.now() - t} ms`);
    assert.deepEqual([...o.defines], ['acme_up'], 'past the budget an occurrence counts as a definition: the file is parsed');
  }
  // A short text is read as before.
  assert.deepEqual(occ('void f(void)\n{\n' + '\tacme_up(1);\n'.repeat(2000) + '}\n'), { defines: [], calls: ['acme_up'], fieldCalls: [] });
});

test('#define is recognised with blanks around #, and only at a line start', () => {
  assert.deepEqual(occ(' \t# \tdefine\t acme_up 1\n').defines, ['acme_up']);
  assert.deepEqual(occ('x = 1;\n#define acme_up(c) acme_ipi(c)\n').defines, ['acme_up']);
  assert.deepEqual(occ('x #define acme_up 1\n').defines, []);
  assert.deepEqual(occ('#defineacme_up 1\n').defines, []);
  assert.deepEqual(occ('# undef acme_up\n').defines, []);
});
