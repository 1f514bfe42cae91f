// Memory over a long editing session: open, query, edit and close a kernel-style file under a new URI, N times,
// and print the server's RSS and CPU every 10 cycles. A closed document should leave nothing behind.
//   node out/test/fuzz/leak-probe.js [--cycles 100]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LspChild } from './lsp-driver';
import { CORPUS_DIR, REPO_ROOT } from './fuzz';

async function main(): Promise<void> {
  const i = process.argv.indexOf('--cycles');
  const cycles = i > 0 ? Math.max(1, Number(process.argv[i + 1]) | 0) : 100;
  const c = new LspChild(process.execPath, [join(REPO_ROOT, 'bin', 'hotplug-race.js'), 'lsp', '--stdio'], REPO_ROOT, (m, p) =>
    m === 'workspace/configuration' ? ((p as { items?: unknown[] }).items ?? [null]).map(() => ({})) : null);
  await c.request('initialize', { processId: null, rootUri: null, capabilities: { workspace: { configuration: true } } }, 20_000);
  await c.notify('initialized', {});
  const base = readFileSync(join(CORPUS_DIR, 'hvm-cpu-up.c'), 'utf8');
  const text = Array.from({ length: 40 }, (_, k) => base.replace(/pv_hvm_cpu_up/g, `pv_hvm_cpu_up_${k}`)).join('\n');
  console.log(`cycle 0: RSS ${c.sampleRss() >> 10} MB, CPU ${c.cpuSeconds().toFixed(1)} s`);
  for (let n = 1; n <= cycles; n++) {
    const uri = `file:///tmp/hotplug-leak/f${n}.c`;
    await c.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text } });
    await c.request('textDocument/hover', { textDocument: { uri }, position: { line: 24, character: 8 } }, 120_000);
    await c.request('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 20, character: 0 }, end: { line: 30, character: 0 } }, context: { diagnostics: [] } }, 120_000);
    await c.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '/* x */\n' }] });
    await c.request('textDocument/codeLens', { textDocument: { uri } }, 120_000);
    await c.notify('textDocument/didClose', { textDocument: { uri } });
    if (n % 10 === 0) console.log(`cycle ${n}: RSS ${c.sampleRss() >> 10} MB, CPU ${c.cpuSeconds().toFixed(1)} s`);
  }
  await c.stop();
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 2;
});
