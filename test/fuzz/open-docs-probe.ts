// Memory against the number of open documents: opens the documents of fuzz runs 0..N-1 of a seed (the mutated
// kernel-style files, without their edits and requests) and keeps them open, printing the server's RSS every
// `--every` documents; then closes them all and prints it again.
//   node out/test/fuzz/open-docs-probe.js [--docs 400] [--seed 2000] [--every 50]
import { join } from 'node:path';
import { LspChild } from './lsp-driver';
import { loadCorpus, REPO_ROOT } from './fuzz';
import { jsonStringFromBytes, jsonWithRaw } from './json-bytes';
import { buildScenario } from './scenario';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(name);
  return i > 0 ? Math.max(1, Number(process.argv[i + 1]) | 0) : dflt;
}

async function main(): Promise<void> {
  const docs = arg('--docs', 400);
  const seed = arg('--seed', 2000);
  const every = arg('--every', 50);
  const c = new LspChild(process.execPath, [join(REPO_ROOT, 'bin', 'hotplug-race.js'), 'lsp', '--stdio'], REPO_ROOT, (m, p) =>
    m === 'workspace/configuration' ? ((p as { items?: unknown[] }).items ?? [null]).map(() => ({})) : null);
  await c.request('initialize', { processId: null, rootUri: null, capabilities: { workspace: { configuration: true } } }, 20_000);
  await c.notify('initialized', {});
  const corpus = loadCorpus();
  const open: string[] = [];
  let bytes = 0;
  const line = (what: string) => console.log(`${what}: RSS ${c.sampleRss() >> 10} MB, CPU ${c.cpuSeconds().toFixed(1)} s, ${(bytes / 2 ** 20).toFixed(1)} MB of text open`);
  await new Promise((r) => setTimeout(r, 6000));
  line('start (6 s after initialize)');
  for (let run = 0; run < docs; run++) {
    const sc = buildScenario(seed, run, corpus, '/tmp/hotplug-open-docs');
    const step = sc.steps.find((s) => s.kind === 'open');
    if (step?.kind !== 'open') continue;
    const uri = `file:///tmp/hotplug-open-docs/run-${run}.c`;
    const params = { textDocument: { uri, languageId: 'c', version: 1, text: '@@TEXT@@' } };
    await c.write(jsonWithRaw({ jsonrpc: '2.0', method: 'textDocument/didOpen', params }, '@@TEXT@@', jsonStringFromBytes(step.bytes, step.escapeSurrogates)));
    // A request makes the server analyse the document before the next one is opened.
    await c.request('textDocument/codeLens', { textDocument: { uri } }, 120_000);
    open.push(uri);
    bytes += step.bytes.length;
    if (open.length % every === 0) line(`${open.length} documents open`);
  }
  for (const uri of open) await c.notify('textDocument/didClose', { textDocument: { uri } });
  // The project drops the summaries of removed files at its next analysis: open one small document.
  const small = 'file:///tmp/hotplug-open-docs/small.c';
  await c.notify('textDocument/didOpen', { textDocument: { uri: small, languageId: 'c', version: 1, text: 'static int f(int cpu)\n{\n\treturn 0;\n}\n' } });
  await c.request('textDocument/codeLens', { textDocument: { uri: small } }, 120_000);
  bytes = 0;
  line('all closed, one small document open');
  // V8 collects on its own schedule: look again once the server has been idle for a while.
  await new Promise((r) => setTimeout(r, 8000));
  await c.request('textDocument/hover', { textDocument: { uri: small }, position: { line: 0, character: 0 } }, 120_000);
  line('8 s later');
  await c.stop();
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 2;
});
