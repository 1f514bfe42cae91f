// A client that announces no optional capabilities at all (a plain LSP client, not VS Code) still gets
// diagnostics, and the server logs no error. The server used to register for workspace-folder events
// unconditionally; vscode-languageserver throws for such clients, `initialized` failed before the settings
// were applied, and the first diagnostics waited for ever.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { LspChild } from '../fuzz/lsp-driver';
import { REPO, BIN, uriOf } from './lsp-client';

const SEED = path.join(REPO, 'test', 'fixtures', 'fix', 'seed-warn.c');

test('a client with no optional capabilities gets diagnostics and no error', { timeout: 60_000 }, async (t) => {
  const c = new LspChild(process.execPath, [BIN, 'lsp', '--stdio'], REPO, () => null);
  t.after(() => c.stop());
  const init = await c.request('initialize', { processId: null, rootUri: null, capabilities: {} }, 20_000);
  assert.equal(init.kind, 'result', JSON.stringify(init));
  await c.notify('initialized', {});
  const uri = uriOf(SEED);
  await c.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text: fs.readFileSync(SEED, 'utf8') } });
  const deadline = Date.now() + 20_000;
  let diagnostics: { code?: string }[] | undefined;
  while (!diagnostics && Date.now() < deadline && c.alive) {
    await new Promise((r) => setTimeout(r, 50));
    const p = c.notifications.find((n) => n.method === 'textDocument/publishDiagnostics' && (n.params as { uri: string }).uri === uri);
    diagnostics = (p?.params as { diagnostics: { code?: string }[] } | undefined)?.diagnostics;
  }
  const errors = c.notifications.filter((n) => n.method === 'window/logMessage' && (n.params as { type: number }).type === 1);
  assert.deepEqual(errors.map((n) => (n.params as { message: string }).message.split('\n')[0]), []);
  assert.ok(diagnostics, 'no diagnostics published within 20 s');
  assert.ok(diagnostics.some((d) => d.code === 'HP001'), JSON.stringify(diagnostics));
});
