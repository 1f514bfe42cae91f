// Code actions under concurrent edits: didChange notifications race with codeAction requests over stdio.
// Every offered edit must name a version the client sent (not older than the one current at the request), and
// applied to the text of exactly that version it must fix HP001 without touching anything outside its ranges.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { TextDocument, type TextEdit } from 'vscode-languageserver-textdocument';
import type { CodeAction, TextDocumentEdit } from 'vscode-languageserver-protocol';
import { KnowledgeBase } from '../../server/src/core/kb/kb';
import { Project } from '../../server/src/core/project';
import { Rng } from '../fuzz/prng';
import { LspClient, REPO, uriOf } from './lsp-client';

const SEED = path.join(REPO, 'test', 'fixtures', 'fix', 'seed-warn.c');

/** The text outside the edits' ranges, in order: what a fix must leave alone. */
function outside(doc: TextDocument, edits: readonly TextEdit[]): string[] {
  const text = doc.getText();
  const spans = edits.map((e) => [doc.offsetAt(e.range.start), doc.offsetAt(e.range.end)]).sort((a, b) => a[0] - b[0]);
  const out: string[] = [];
  let at = 0;
  for (const [s, e] of spans) {
    out.push(text.slice(at, s));
    at = e;
  }
  out.push(text.slice(at));
  return out;
}

test('code actions racing didChange storms are bound to the version they were computed on', { timeout: 120_000 }, async (t) => {
  const client = new LspClient();
  t.after(() => client.shutdown());
  await client.initialize([path.dirname(SEED)]);
  const uri = uriOf(SEED);
  const texts = new Map<number, TextDocument>();
  let doc = TextDocument.create(uri, 'c', 1, fs.readFileSync(SEED, 'utf8'));
  texts.set(1, TextDocument.create(uri, 'c', 1, doc.getText()));
  client.open(uri, doc.getText(), 1);
  await client.diagnosticsFor(uri, 1);

  const rng = new Rng(7);
  const edit = (): void => {
    // Edits an editor makes while typing elsewhere: comments, blank lines, trailing blanks.
    const line = rng.int(doc.lineCount);
    const text = rng.pick(['/* typing */\n', '\n', ' ', '\t// note\n']);
    const change = { range: { start: { line, character: 0 }, end: { line, character: 0 } }, text };
    doc = TextDocument.update(doc, [change], doc.version + 1);
    // update() changes the document in place: keep a copy of each version.
    texts.set(doc.version, TextDocument.create(uri, 'c', doc.version, doc.getText()));
    client.change(uri, doc.version, [change]);
  };

  const project = new Project(KnowledgeBase.builtin(), {});
  let checked = 0;
  for (let round = 0; round < 25; round++) {
    for (let k = rng.range(0, 3); k > 0; k--) edit();
    const atRequest = doc.version;
    const pending = client.conn.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: doc.lineCount, character: 0 } },
      context: { diagnostics: [], only: rng.chance(0.5) ? ['quickfix'] : ['source.fixAll.hotplug-race'] },
    }) as Promise<CodeAction[]>;
    // More typing while the request is in flight.
    for (let k = rng.range(0, 3); k > 0; k--) edit();
    const actions = await pending;
    for (const a of actions) {
      for (const dc of (a.edit?.documentChanges ?? []) as TextDocumentEdit[]) {
        const v = dc.textDocument.version;
        assert.equal(dc.textDocument.uri, uri);
        assert.ok(typeof v === 'number' && texts.has(v), `"${a.title}" names version ${v}, which the client never sent`);
        assert.ok(v >= atRequest, `"${a.title}" names version ${v}, older than ${atRequest} at the request`);
        const base = texts.get(v)!;
        const fixed = TextDocument.applyEdits(base, dc.edits as TextEdit[]);
        // The edits stay within their ranges: the text around them is intact, in order.
        let at = 0;
        for (const piece of outside(base, dc.edits as TextEdit[])) {
          const found = fixed.indexOf(piece, at);
          assert.ok(found >= 0, `"${a.title}" on v${v} changed text outside its ranges: ${JSON.stringify(piece.slice(0, 80))}`);
          at = found + piece.length;
        }
        // Applied to the version it names, it fixes the race.
        project.setFile(SEED, fixed);
        const left = project.findings(SEED).filter((f) => f.code === 'HP001');
        assert.deepEqual(left.map((f) => f.message), [], `"${a.title}" applied to v${v} leaves HP001`);
        checked++;
      }
    }
  }
  assert.ok(checked >= 10, `only ${checked} edits checked`);
});
