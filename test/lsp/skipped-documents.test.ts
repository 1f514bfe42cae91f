// A document the server says it does not check (over hotplugRace.maxFileSize, binary, excluded) is not analysed
// by any request either: hover, code actions and code lenses must not parse it. They used to, through the flush
// of pending edits: a 6 MB file took 19 s of hover on this machine, and was offered "Simulate this race".
import assert from 'node:assert/strict';
import * as os from 'node:os';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { LspClient, REPO, uriOf } from './lsp-client';

const SEED = path.join(REPO, 'test', 'fixtures', 'fix', 'seed-warn.c');
const seed = fs.readFileSync(SEED, 'utf8');
const callLine = seed.split('\n').findIndex((l) => l.includes('native_cpu_up(cpu, tidle)'));

const CASES: [string, string, Record<string, unknown>][] = [
  ['over maxFileSize', seed + '/* padding */\n'.repeat(300), { maxFileSize: 2048 }],
  ['binary (NUL bytes)', seed + '\u0000\u0000\n', {}],
  ['excluded by a glob', seed, { exclude: ['**/skipped-excluded.c'] }],
  // Stated limits on the shape (lsp/limits.ts): parsing these took up to 10 s and 1.7 GB in the fuzzer.
  ['a line over the length limit', seed + '/* ' + 'x, '.repeat(22_000) + ' */ int pad[] = {' + '0, '.repeat(2000) + '};\n', {}],
  ['brackets nested too deep', seed + 'int deep = ' + '('.repeat(1001) + '0' + ')'.repeat(1001) + ';\n', {}],
];

for (const [name, text, settings] of CASES) {
  test(`a document not checked is not analysed by requests either: ${name}`, { timeout: 60_000 }, async (t) => {
    const client = new LspClient();
    t.after(() => client.shutdown());
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotplug-race-skipped-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, name.startsWith('excluded') ? 'skipped-excluded.c' : 'skipped.c');
    await client.initialize([dir], {}, settings);
    const uri = uriOf(file);
    client.open(uri, text, 1);
    const diags = await client.diagnosticsFor(uri, 1);
    assert.deepEqual(diags, [], 'the document is reported as not checked');
    const position = { line: callLine, character: seed.split('\n')[callLine].indexOf('native_cpu_up') + 2 };
    const hover = await client.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position });
    assert.equal(hover, null, `hover analysed a skipped document: ${JSON.stringify(hover)}`);
    const actions = (await client.conn.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: callLine + 2, character: 0 } },
      context: { diagnostics: [] },
    })) as unknown[];
    assert.deepEqual(actions, [], 'code actions for a skipped document');
    const lenses = (await client.conn.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as unknown[];
    assert.deepEqual(lenses, [], 'code lenses for a skipped document');
  });
}
