// Over stdio: the seed-shaped diagnostic gets quick fixes; the preferred WorkspaceEdit, applied as an
// editor would, gives the upstream text; edits carry the document version; stale fix-all requests do nothing.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { TextDocument, type TextEdit } from 'vscode-languageserver-textdocument';
import type { CodeAction, TextDocumentEdit } from 'vscode-languageserver-protocol';
import { LspClient, REPO, uriOf } from './lsp-client';

const SEED = path.join(REPO, 'test', 'fixtures', 'fix', 'seed-warn.c');

test('code actions for the seed diagnostic: preferred fix, variants, simulate, fix-all', async (t) => {
  const client = new LspClient();
  t.after(() => client.shutdown());
  await client.initialize([path.dirname(SEED)]);
  const text = fs.readFileSync(SEED, 'utf8');
  const uri = uriOf(SEED);
  client.open(uri, text, 7);
  const diags = await client.diagnosticsFor(uri, 7);
  const d = diags.find((x) => x.code === 'HP001');
  assert.ok(d, JSON.stringify(diags));

  const actions = (await client.conn.sendRequest('textDocument/codeAction', {
    textDocument: { uri },
    range: d.range,
    context: { diagnostics: [d], only: ['quickfix'] },
  })) as CodeAction[];
  const preferred = actions.filter((a) => a.isPreferred);
  assert.equal(preferred.length, 1, JSON.stringify(actions.map((a) => a.title)));
  assert.ok(actions.some((a) => /return on failure/.test(a.title)), 'bail-out variant offered');
  const sim = actions.find((a) => a.command?.command === 'hotplugRace.simulate');
  assert.deepEqual(sim?.command?.arguments, [uri, 'xen_hvm_cpu_up']);

  const change = preferred[0].edit!.documentChanges![0] as TextDocumentEdit;
  assert.deepEqual(change.textDocument, { uri, version: 7 });
  const doc = TextDocument.create(uri, 'c', 7, text);
  const fixed = TextDocument.applyEdits(doc, change.edits as TextEdit[]);
  assert.equal(fixed, text.replace(
    '\trc = native_cpu_up(cpu, tidle);\n\tWARN_ON(xen_smp_intr_init(cpu));\n',
    '\trc = xen_smp_intr_init(cpu);\n\tWARN_ON(rc);\n\tif (!rc)\n\t\trc = native_cpu_up(cpu, tidle);\n',
  ));

  const all = (await client.conn.sendRequest('textDocument/codeAction', {
    textDocument: { uri },
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    context: { diagnostics: [], only: ['source.fixAll.hotplug-race'] },
  })) as CodeAction[];
  assert.equal(all.length, 1);
  const allChange = all[0].edit!.documentChanges![0] as TextDocumentEdit;
  assert.equal(TextDocument.applyEdits(doc, allChange.edits as TextEdit[]), fixed);

  // The command applies every preferred fix through workspace/applyEdit, stamped with the version.
  let sent: { edit: { documentChanges: TextDocumentEdit[] } } | undefined;
  client.conn.onRequest('workspace/applyEdit', (p: typeof sent) => {
    sent = p;
    return { applied: true };
  });
  const ok = (await client.conn.sendRequest('workspace/executeCommand', { command: 'hotplugRace.applyAllFixes', arguments: [{ uri, version: 7 }] })) as { applied: number };
  assert.equal(ok.applied, 1);
  assert.deepEqual(sent!.edit.documentChanges[0].textDocument, { uri, version: 7 });
  assert.equal(TextDocument.applyEdits(doc, sent!.edit.documentChanges[0].edits as TextEdit[]), fixed);

  // A fix-all request for an older version is refused, not applied to the newer text.
  client.change(uri, 8, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '/* edited */\n' }]);
  await client.diagnosticsFor(uri, 8);
  const stale = (await client.conn.sendRequest('workspace/executeCommand', { command: 'hotplugRace.applyAllFixes', arguments: [{ uri, version: 7 }] })) as { applied: number; message: string };
  assert.equal(stale.applied, 0);
  assert.match(stale.message, /changed/);

  // After the edit is applied the diagnostic is gone and no fix is offered any more.
  const fixedNow = `/* edited */\n${fixed}`;
  client.change(uri, 9, [{ text: fixedNow }]);
  assert.deepEqual((await client.diagnosticsFor(uri, 9)).filter((x) => x.code === 'HP001'), []);
});

test('a diagnostic without a quick fix says why, and gets no fix action', async (t) => {
  const client = new LspClient();
  t.after(() => client.shutdown());
  const file = path.join(REPO, 'test', 'fixtures', 'fix', 'refusals.c');
  await client.initialize([path.dirname(file)]);
  const uri = uriOf(file);
  client.open(uri, fs.readFileSync(file, 'utf8'), 1);
  const first = await client.diagnosticsFor(uri, 1);
  // The reasons come in a later publish of the same version, with the same findings.
  const diags = await client.until('refusal reasons', () => {
    const last = [...client.published].reverse().find((p) => p.uri === uri && p.version === 1);
    return last?.diagnostics.some((x) => /No quick fix:/.test(String(x.message))) ? last.diagnostics : undefined;
  });
  assert.deepEqual(diags.map((x) => [x.code, x.range]), first.map((x) => [x.code, x.range]));
  const loop = diags.find((x) => x.code === 'HP001' && /No quick fix: .*different blocks/.test(String(x.message)));
  assert.ok(loop, JSON.stringify(diags.map((x) => x.message)));
  assert.ok(diags.some((x) => /No quick fix: `HVM_CHECK_VCPU_OR_RETURN\(\)` between the calls is an unknown macro/.test(String(x.message))));
  const actions = (await client.conn.sendRequest('textDocument/codeAction', {
    textDocument: { uri },
    range: loop.range,
    context: { diagnostics: [loop], only: ['quickfix'] },
  })) as CodeAction[];
  assert.deepEqual(actions.filter((a) => a.edit).map((a) => a.title), []);
  assert.ok(actions.some((a) => a.command?.command === 'hotplugRace.simulate'));
});
