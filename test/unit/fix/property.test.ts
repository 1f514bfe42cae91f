// Property: over many generated bring-up functions (names, extra statements, comments, indentation, line
// ends), the preferred HP001 fix reparses cleanly, clears the finding and changes nothing outside the
// edited statements.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { propertyRuns } from '../property-runs';
import { fixesFor } from '../../../server/src/fix';
import { parseC, syntaxErrorCount } from '../../../server/src/fix/syntax';
import { project } from './helpers';

const ident = fc.stringMatching(/^[a-z][a-z0-9_]{2,10}$/).filter((s) => !['int', 'for', 'while', 'return', 'void', 'char', 'case', 'else', 'goto', 'break', 'long', 'auto', 'enum'].includes(s));
const comment = fc.oneof(fc.constant('/* keep me */'), fc.constant('// keep me too'), fc.constant('/*\n * multi-line, kept\n */'));
// Statements that may sit between the publish and the set-up without changing what can move.
const between = fc.oneof(
  fc.constant('pr_debug("cpu %u is up\\n", CPU);'),
  fc.constant('nr_booted++;'),
  fc.constant('if (nr_booted > 1)\n\tpr_warn("more than one: %d\\n", nr_booted);'),
  fc.constant('if (STATUS)\n\tpr_warn("bring-up failed: %d\\n", STATUS);'),
  fc.constant('nr_booted += 2;'),
  comment,
);
const before = fc.oneof(fc.constant('nr_booted = 0;'), fc.constant('per_cpu(boot_state, CPU) = 1;'), comment);

const shape = fc.record({
  fn: ident,
  cpu: fc.constantFrom('cpu', 'vcpu', 'n'),
  status: fc.constantFrom('rc', 'ret', 'err'),
  indent: fc.constantFrom('\t', '  ', '    ', '        '),
  eol: fc.constantFrom('\n', '\r\n'),
  nested: fc.boolean(),
  wrapper: fc.constantFrom('', 'WARN_ON', 'WARN_ON_ONCE', 'BUG_ON'),
  pre: fc.array(before, { maxLength: 3 }),
  mid: fc.array(between, { maxLength: 3 }),
  post: fc.array(between, { maxLength: 2 }),
  trailing: fc.boolean(),
  blankAfterDecl: fc.boolean(),
  // No status variable at all: the publish's result is dropped, so the fix declares one.
  statusless: fc.boolean(),
});

type Shape = typeof shape extends fc.Arbitrary<infer T> ? T : never;

function render(s: Shape): { text: string; publish: string; setup: string } {
  const lines: string[] = [];
  const I = s.indent;
  const sub = (t: string) => t.replace(/CPU/g, s.cpu).replace(/STATUS/g, s.statusless ? 'booted' : s.status);
  const stmt = (t: string, ind: string) => sub(t).split('\n').map((l) => ind + l.replace(/^\t/, I)).join('\n');
  lines.push('// SPDX-License-Identifier: GPL-2.0', '#include <linux/smp.h>', '', 'static int nr_booted;', '');
  lines.push(`static int ${s.fn}(unsigned int ${s.cpu}, struct task_struct *tidle)`, '{', s.statusless ? `${I}int booted = 0;` : `${I}int ${s.status} = 0;`);
  if (s.blankAfterDecl) lines.push('');
  let ind = I;
  for (const p of s.pre) lines.push(stmt(p, ind));
  if (s.nested) {
    lines.push(`${I}if (${s.cpu} < nr_cpu_ids) {`);
    ind = I + I;
  }
  const publish = `${ind}${s.statusless ? '' : `${s.status} = `}native_cpu_up(${s.cpu}, tidle);${s.trailing ? ' /* waits for online */' : ''}`;
  const call = `xen_smp_intr_init(${s.cpu})`;
  const setup = `${ind}${s.wrapper ? `${s.wrapper}(${call})` : call};`;
  lines.push(publish);
  for (const m of s.mid) lines.push(stmt(m, ind));
  lines.push(setup);
  for (const m of s.post) lines.push(stmt(m, ind));
  if (s.nested) lines.push(`${I}}`);
  lines.push(`${I}return ${s.statusless ? 'booted' : s.status};`, '}', '');
  return { text: lines.join('\n').replace(/\n/g, s.eol), publish: publish.replace(/\n/g, s.eol), setup: setup.replace(/\n/g, s.eol) };
}

test('preferred HP001 fix over generated bring-up functions', () => {
  const file = '/virtual/generated.c';
  fc.assert(
    fc.property(shape, (s) => {
      const { text, publish, setup } = render(s);
      const p = project();
      p.setFile(file, text);
      const f = p.findings(file).find((x) => x.code === 'HP001');
      assert.ok(f, `no HP001 for:\n${text}`);
      const out = fixesFor(p, file, text, f);
      assert.ok(out.fixes.length, `no fix (${out.refusal}) for:\n${text}`);
      const fixed = out.fixes[0].newText;
      // Reparses with no new syntax error.
      assert.ok(syntaxErrorCount(parseC(fixed).rootNode) <= syntaxErrorCount(parseC(text).rootNode));
      // The finding is gone and nothing new appears.
      const after = p.findingsForText(file, fixed).filter((x) => x.function === s.fn);
      assert.deepEqual(after.map((x) => x.code), [], `still ${after.map((x) => x.message)} in:\n${fixed}`);
      // Nothing outside the edited statements changes.
      const pubAt = text.indexOf(publish);
      const setAt = text.indexOf(setup, pubAt);
      // A new status variable is the one edit allowed before the publish: a declaration line.
      const decl = out.fixes[0].edits.find((e) => e.start === e.end && e.start < pubAt);
      if (decl) assert.match(decl.newText, /^\s*int \w+;\s*$/);
      assert.equal(!!decl, s.statusless);
      const head = decl ? text.slice(0, decl.start) + decl.newText + text.slice(decl.start, pubAt) : text.slice(0, pubAt);
      const middle = text.slice(pubAt + publish.length + s.eol.length, setAt);
      const tail = text.slice(setAt + setup.length + s.eol.length);
      assert.ok(fixed.startsWith(head), 'text before the publish changed');
      assert.ok(fixed.endsWith(tail), 'text after the set-up changed');
      assert.ok(fixed.slice(head.length, fixed.length - tail.length).includes(middle), 'text between the calls changed');
      // New lines follow the file's line ends.
      if (s.eol === '\r\n') assert.equal(/[^\r]\n/.test(fixed), false, 'bare LF in a CRLF file');
      else assert.equal(fixed.includes('\r'), false);
      // Applying again finds nothing to fix.
      assert.equal(p.findingsForText(file, fixed).some((x) => x.code === 'HP001' || x.code === 'HP002'), false);
    }),
    propertyRuns(120),
  );
});
