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
