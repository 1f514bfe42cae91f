// Fix refusal reasons are computed off the typing path and kept per function: an edit in one function
// re-publishes at once with the other functions' reasons, and that function's reason follows.
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LspClient, REPO, uriOf } from './lsp-client';

const clients: LspClient[] = [];
after(async () => {
  await Promise.all(clients.map((c) => c.shutdown()));
});

test('an edit in one function keeps the other functions\' refusal reasons in its first publish', async () => {
  const file = path.join(REPO, 'test', 'fixtures', 'fix', 'refusals.c');
  const text = fs.readFileSync(file, 'utf8');
  const c = new LspClient();
  clients.push(c);
  await c.initialize([path.dirname(file)]);
  const uri = uriOf(file);
  c.open(uri, text, 1);
  const lastOf = (version: number) => [...c.published].reverse().find((p) => p.uri === uri && p.version === version);
  const v1 = await c.until('v1 with every refusal reason', () => {
    const d = lastOf(1)?.diagnostics;
    return d && d.length && d.every((x) => /No quick fix:/.test(String(x.message))) ? d : undefined;
  });
  assert.equal(v1.length, 5, JSON.stringify(v1.map((x) => x.message)));

  // A space at the end of `\tchar *name;` (line 8), inside up_arg_between(), the first finding's function.
  const line = text.split('\n').findIndex((l) => l === '\tchar *name;');
  assert.ok(line > 0);
  const mark = c.published.length;
  c.change(uri, 2, [{ range: { start: { line, character: 12 }, end: { line, character: 12 } }, text: ' ' }]);
  const first = await c.until('first publish of v2', () => c.published.slice(mark).find((p) => p.uri === uri && p.version === 2));
  const messages = first.diagnostics.map((x) => String(x.message));
  assert.equal(messages.length, 5);
  assert.doesNotMatch(messages[0], /No quick fix/, 'the edited function is re-checked before its reason is known');
  assert.equal(messages[0], String(v1[0].message).replace(/\. No quick fix: .*$/, ''));
  assert.deepEqual(messages.slice(1), v1.slice(1).map((x) => String(x.message)), 'the other reasons are kept');
  const refined = await c.until('v2 reason', () => {
    const d = lastOf(2)?.diagnostics;
    return d && /No quick fix:/.test(String(d[0]?.message)) ? d : undefined;
  });
  assert.deepEqual(refined.map((x) => x.message), v1.map((x) => x.message));
});
