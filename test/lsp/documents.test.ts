// Incremental sync: LSP content changes → tree-sitter edits → incremental reparse must equal a full parse.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { propertyRuns } from '../unit/property-runs';
import { Documents, toTreeEdit } from '../../server/src/lsp/documents';
import { KnowledgeBase } from '../../server/src/core/kb/kb';
import { Project } from '../../server/src/core/project';

const BASE = `// SPDX-License-Identifier: GPL-2.0
/* Written for the hotplug-race tests. */
static int guest_cpu_up(unsigned int cpu, struct task_struct *tidle)
{
\tint rc;

\trc = native_cpu_up(cpu, tidle); /* ünïcode 🙂 in a comment */
\tWARN_ON(xen_smp_intr_init(cpu));
\treturn rc;
}

static void guest_cpu_die(unsigned int cpu)
{
\txen_smp_intr_free(cpu);
\tset_cpu_online(cpu, false);
}
`;

test('toTreeEdit: positions of a multi-line insertion', () => {
  const docs = new Documents();
  docs.open('file:///a.c', 'c', 1, 'ab\ncd\n');
  const e = toTreeEdit(docs.get('file:///a.c')!, { start: { line: 1, character: 1 }, end: { line: 1, character: 2 } }, 'X\nYZ');
  assert.deepEqual(e, {
    startIndex: 4, oldEndIndex: 5, newEndIndex: 8,
    startPosition: { row: 1, column: 1 }, oldEndPosition: { row: 1, column: 2 }, newEndPosition: { row: 2, column: 2 },
  });
});

const fragments = ['', '\n', 'x', '(', '}', '{', '\trc = xen_smp_intr_init(cpu);\n', 'native_cpu_up(cpu, tidle);', '/*', '*/', '"', '🙂', 'é\n\n'];

test('incremental reparse from queued edits gives the same tree and findings as a full parse (valid text)', () => {
  let compared = 0;
  fc.assert(fc.property(
    fc.array(fc.record({ a: fc.nat(), b: fc.nat(), text: fc.constantFrom(...fragments) }), { minLength: 1, maxLength: 12 }),
    fc.boolean(),
    (changes, flushEach) => {
      const kb = KnowledgeBase.builtin();
      const incremental = new Project(kb);
      const docs = new Documents();
      const uri = 'file:///w/guest.c';
      docs.open(uri, 'c', 1, BASE);
      incremental.setFile('/w/guest.c', docs.get(uri)!.getText(), docs.takeEdits(uri) ?? undefined);
      let version = 1;
      for (const ch of changes) {
        const doc = docs.get(uri)!;
        const len = doc.getText().length;
        const [s, e] = [ch.a % (len + 1), ch.b % (len + 1)].sort((x, y) => x - y);
        // Avoid splitting a surrogate pair, which no editor sends.
        const text = doc.getText();
        if (/[\uDC00-\uDFFF]/.test(text[s] ?? '') || /[\uDC00-\uDFFF]/.test(text[e] ?? '')) continue;
        docs.change(uri, ++version, [{ range: { start: doc.positionAt(s), end: doc.positionAt(e) }, text: ch.text }]);
        if (flushEach) incremental.setFile('/w/guest.c', docs.get(uri)!.getText(), docs.takeEdits(uri) ?? undefined);
      }
      const edits = docs.takeEdits(uri);
      if (edits !== undefined) incremental.setFile('/w/guest.c', docs.get(uri)!.getText(), edits ?? undefined);
      const full = new Project(kb);
      full.setFile('/w/guest.c', docs.get(uri)!.getText());
      // Error recovery may legitimately differ between an incremental and a fresh parse; valid text may not.
      if (full.tree('/w/guest.c')!.rootNode.hasError) {
        incremental.findings('/w/guest.c');
        return;
      }
      assert.equal(incremental.tree('/w/guest.c')!.rootNode.toString(), full.tree('/w/guest.c')!.rootNode.toString());
      const key = (p: Project) => p.findings('/w/guest.c').map((f) => `${f.code}:${f.span.start}-${f.span.end}:${f.message}`);
      assert.deepEqual(key(incremental), key(full));
      compared++;
    },
  ), propertyRuns(300, 20131));
  assert.ok(compared >= 30, `only ${compared} runs ended in valid C`);
});
