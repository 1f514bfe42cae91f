// Over stdio: the "Simulate hotplug" code lens sits above each flagged function, and hotplugRace/simulate
// returns the race with its trace, the fixed version safe, and bad params as InvalidParams.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { LspClient, uriOf } from '../../lsp/lsp-client';
import { FIXTURES, lineOf } from './witness';

test('code lens and hotplugRace/simulate over LSP', async (t) => {
  const file = path.join(FIXTURES, 'seed-prefix.c');
  const client = new LspClient();
  t.after(() => client.shutdown());
  await client.initialize([FIXTURES]);
  const text = fs.readFileSync(file, 'utf8');
  const uri = uriOf(file);
  client.open(uri, text, 1);
  await client.diagnosticsFor(uri, 1);
  const lenses = (await client.conn.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as { range: { start: { line: number } }; command: { title: string; command: string; arguments: unknown[] } }[];
  assert.equal(lenses.length, 1);
  assert.equal(lenses[0].command.title, 'Simulate hotplug');
  assert.deepEqual(lenses[0].command.arguments, [uri, 'xen_hvm_cpu_up']);
  assert.equal(lenses[0].range.start.line + 1, lineOf(text, 'static int xen_hvm_cpu_up'));

  const r = (await client.conn.sendRequest('hotplugRace/simulate', { uri, function: 'xen_hvm_cpu_up' })) as { verdict: string; trace: { line: number | null; bug?: boolean }[]; text: string };
  assert.equal(r.verdict, 'race');
  assert.ok(r.trace[r.trace.length - 1].bug);
  assert.match(r.text, /^# hotplug-race trace v1/);
  // by cursor position inside the function body
  const pos = { line: lineOf(text, 'WARN_ON') - 1, character: 2 };
  const byPos = (await client.conn.sendRequest('hotplugRace/simulate', { uri, position: pos, fixed: true, cpus: 3 })) as { verdict: string; statesExplored: number; function: string };
  assert.equal(byPos.function, 'xen_hvm_cpu_up');
  assert.equal(byPos.verdict, 'safe');
  assert.ok(byPos.statesExplored > 100);
  await assert.rejects(client.conn.sendRequest('hotplugRace/simulate', { uri, function: '<img src=x onerror=alert(1)>' }), /function must be a C identifier/);
  await assert.rejects(client.conn.sendRequest('hotplugRace/simulate', { uri, function: 'x', cpus: 99 }), /cpus/);
  const none = (await client.conn.sendRequest('hotplugRace/simulate', { uri, function: 'no_such_fn' })) as { verdict: string; reason: string };
  assert.equal(none.verdict, 'error');
  assert.match(none.reason, /no function 'no_such_fn'/);
});
