// Opening a kernel tree as the workspace: time until the open file's first diagnostics, and until the
// background index reports the end of its progress.
// Usage: node out/bench/open-tree.js ROOT FILE
import * as fs from 'fs';
import * as path from 'path';
import { LspClient, type Message } from './lib/lsp-client';
import { isProgressEnd } from './lsp-latency';
import { treeRssKiB } from './lib/proc';

export interface OpenTreeResult {
  root: string;
  file: string;
  /** From spawning the server / from didOpen, to the first publishDiagnostics of the file. */
  firstDiagnosticsFromSpawnMs: number;
  firstDiagnosticsFromOpenMs: number;
  diagnostics: number;
  /** From spawning the server to the end of the index's progress. */
  indexDoneMs: number;
  /** Peak RSS of the server while indexing. */
  peakRssKiB: number;
  progressReports: number;
}

const BIN = path.resolve(__dirname, '..', '..', 'bin', 'hotplug-race.js');

export async function measureOpenTree(root: string, file: string, timeoutMs = 900_000, maxRssKiB = 6 << 20): Promise<OpenTreeResult> {
  const text = fs.readFileSync(file, 'utf8');
  const uri = `file://${path.resolve(file)}`;
  const client = new LspClient(process.execPath, [BIN, 'lsp', '--stdio']);
  let peak = 0;
  let overMemory: (e: Error) => void = () => undefined;
  const memory = new Promise<never>((_, reject) => (overMemory = reject));
  memory.catch(() => undefined);
  const poll = setInterval(() => {
    peak = Math.max(peak, client.proc.pid ? treeRssKiB(client.proc.pid) : 0);
    if (peak > maxRssKiB) overMemory(new Error(`server killed: RSS over ${(maxRssKiB / 1048576).toFixed(0)} GiB while indexing`));
  }, 20);
  try {
    const indexEnd = Promise.race([client.waitFor(isProgressEnd, timeoutMs, 'the index to complete'), memory]);
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
      peakRssKiB: peak,
      progressReports: client.notifications.filter((m) => m.msg.method === '$/progress').length,
    };
  } finally {
    clearInterval(poll);
    if (peak > maxRssKiB) client.proc.kill('SIGKILL');
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
