// Opening a kernel tree as the workspace: time until the open file's first diagnostics, and until the
// background index reports the end of its progress.
// Usage: node out/bench/open-tree.js ROOT FILE
import * as fs from 'fs';
import * as path from 'path';
import { LspClient, type Message } from './lib/lsp-client';
import { isProgressEnd } from './lsp-latency';

export interface OpenTreeResult {
  root: string;
  file: string;
  /** From spawning the server / from didOpen, to the first publishDiagnostics of the file. */
  firstDiagnosticsFromSpawnMs: number;
  firstDiagnosticsFromOpenMs: number;
  diagnostics: number;
  /** From spawning the server to the end of the index's progress. */
  indexDoneMs: number;
  progressReports: number;
}

const BIN = path.resolve(__dirname, '..', '..', 'bin', 'hotplug-race.js');

export async function measureOpenTree(root: string, file: string, timeoutMs = 900_000): Promise<OpenTreeResult> {
  const text = fs.readFileSync(file, 'utf8');
  const uri = `file://${path.resolve(file)}`;
  const client = new LspClient(process.execPath, [BIN, 'lsp', '--stdio']);
  try {
    const indexEnd = client.waitFor(isProgressEnd, timeoutMs, 'the index to complete');
    await client.initialize(path.resolve(root));
    const first = client.waitFor((m: Message) => m.msg.method === 'textDocument/publishDiagnostics' && m.msg.params.uri === uri, 60_000, 'first diagnostics');
    const opened = performance.now();
    client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text } });
    const d = await first;
    const end = await indexEnd;
    return {
      root,
      file,
      firstDiagnosticsFromSpawnMs: d.at - client.spawnedAt,
      firstDiagnosticsFromOpenMs: d.at - opened,
      diagnostics: d.msg.params.diagnostics.length,
      indexDoneMs: end.at - client.spawnedAt,
      progressReports: client.notifications.filter((m) => m.msg.method === '$/progress').length,
    };
  } finally {
    await client.shutdown();
  }
}

if (require.main === module) {
  const [root, file] = process.argv.slice(2);
  measureOpenTree(root, file).then(
    (r) => console.log(JSON.stringify(r)),
    (e) => {
      console.error(String(e));
      process.exitCode = 1;
    },
  );
}
