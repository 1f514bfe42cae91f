// didChange with positions a client must not send (negative, fractional, null, reversed, past the end):
// the open document must stay consistent with its own text, and the tree edit must be one tree-sitter accepts.
// Found by the fuzzer (seed 1, run 15): a range ending at {-1,-1} corrupted the line table, then every hover threw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Documents } from '../../../server/src/lsp/documents';
import { KnowledgeBase } from '../../../server/src/core/kb/kb';
import { Project } from '../../../server/src/core/project';
import { buildScenario } from '../../fuzz/scenario';
import { loadCorpus } from '../../fuzz/fuzz';

const TEXT = `// SPDX-License-Identifier: GPL-2.0
static int guest_cpu_up(unsigned int cpu, struct task_struct *tidle)
{
\tint rc;

\trc = native_cpu_up(cpu, tidle);
\tWARN_ON(xen_smp_intr_init(cpu));
\treturn rc;
}
`;

/** The line table of `doc` agrees with a document freshly made from its text. */
function consistent(doc: TextDocument): boolean {
  const fresh = TextDocument.create(doc.uri, doc.languageId, doc.version, doc.getText());
  if (fresh.lineCount !== doc.lineCount) return false;
  for (let l = 0; l <= fresh.lineCount; l++) {
    if (fresh.offsetAt({ line: l, character: 0 }) !== doc.offsetAt({ line: l, character: 0 })) return false;
  }
  return true;
}

type P = { line: number; character: number };
const BAD: [string, P, P][] = [
  ['end before start at -1', { line: 6, character: 10 }, { line: -1, character: -1 }],
  ['negative start', { line: -3, character: -7 }, { line: 2, character: 1 }],
  ['negative character', { line: 3, character: -1 }, { line: 3, character: 2 }],
  ['fractional', { line: 1.5, character: 2.25 }, { line: 2.75, character: 0.5 }],
  ['null', { line: null, character: null } as unknown as P, { line: 2, character: 0 }],
  ['NaN-like strings', { line: '1' as unknown as number, character: 'x' as unknown as number }, { line: 2, character: 0 }],
  ['past the end', { line: 1e9, character: 5 }, { line: 2 ** 31 - 1, character: 2 ** 31 - 1 }],
  ['huge character', { line: 2, character: 1e12 }, { line: 4, character: 0 }],
];

for (const [name, start, end] of BAD) {
  test(`didChange with a hostile range keeps the document consistent: ${name}`, () => {
    const docs = new Documents();
    const uri = 'file:///hostile.c';
    docs.open(uri, 'c', 1, TEXT);
    docs.takeEdits(uri);
    docs.change(uri, 2, [{ range: { start, end }, text: ';\n' }]);
    const doc = docs.get(uri)!;
    assert.ok(consistent(doc), `line table out of step with the text after ${JSON.stringify({ start, end })}`);
    // Every queued edit is made of non-negative integers, as tree-sitter requires.
    for (const e of docs.takeEdits(uri) ?? []) {
      const values = [e.startIndex, e.oldEndIndex, e.newEndIndex, e.startPosition.row, e.startPosition.column, e.oldEndPosition.row, e.oldEndPosition.column, e.newEndPosition.row, e.newEndPosition.column];
      assert.ok(values.every((v) => Number.isInteger(v) && v >= 0), `bad tree edit ${JSON.stringify(e)}`);
    }
  });
}

test('after hostile ranges, incremental analysis still matches a fresh one', () => {
  const docs = new Documents();
  const uri = 'file:///hostile2.c';
  const project = new Project(KnowledgeBase.builtin(), {});
  docs.open(uri, 'c', 1, TEXT);
  docs.takeEdits(uri);
  project.setFile('/hostile2.c', TEXT);
  let version = 1;
  for (const [, start, end] of BAD) {
    docs.change(uri, ++version, [{ range: { start, end }, text: 'x' }]);
    const edits = docs.takeEdits(uri);
    project.setFile('/hostile2.c', docs.get(uri)!.getText(), edits ?? undefined);
  }
  const fresh = new Project(KnowledgeBase.builtin(), {});
  fresh.setFile('/hostile2.c', docs.get(uri)!.getText());
  const key = (fs: { code: string; span: { start: number } }[]) => fs.map((f) => `${f.code}@${f.span.start}`).sort();
  assert.deepEqual(key(project.findings('/hostile2.c')), key(fresh.findings('/hostile2.c')));
});

test('the fuzzer\'s didChange storms (seed 1, runs 0-59) keep every document consistent', () => {
  const corpus = loadCorpus();
  let checked = 0;
  for (let run = 0; run < 60; run++) {
    const sc = buildScenario(1, run, corpus, '/tmp/ws');
    if (sc.docBytes > 300_000) continue; // the huge ones cost time here and test nothing more
    const docs = new Documents();
    for (const st of sc.steps) {
      if (st.kind === 'open') docs.open(st.uri, 'c', st.version, st.bytes.toString('utf8'));
      else if (st.kind === 'change' && docs.get(st.uri)) {
        docs.change(st.uri, st.version, st.changes);
        docs.takeEdits(st.uri);
        assert.ok(consistent(docs.get(st.uri)!), `run ${run}: line table out of step after ${JSON.stringify(st.changes.map((c) => c.range))}`);
        checked++;
      }
    }
  }
  assert.ok(checked > 100, `only ${checked} changes checked`);
});
