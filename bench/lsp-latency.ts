// Editor latency through the language server over stdio: time from didChange to the publishDiagnostics
// of that version, over many small edits (whitespace and comment lines, typed and undone) in one file.
// Usage: node out/bench/lsp-latency.js FILE [--root DIR] [--edits N] [--debounce MS] [--node-args '--cpu-prof ...']
// (--node-args: options for the server's node, e.g. to profile it; NODE_OPTIONS refuses --cpu-prof)
import * as fs from 'fs';
import * as path from 'path';
import { LspClient, type Message } from './lib/lsp-client';
import { median, percentile } from './lib/proc';

export interface LatencyResult {
  file: string;
  lines: number;
  edits: number;
  samples: number[];
  median: number;
  p95: number;
  /** didOpen to its first publishDiagnostics. */
  firstMs: number;
  /** Time until the index finished before the edits started (when a root is given). */
  indexMs?: number;
}

const BIN = path.resolve(__dirname, '..', '..', 'bin', 'hotplug-race.js');

export function isProgressEnd(m: Message): boolean {
  return m.msg.method === '$/progress' && m.msg.params?.value?.kind === 'end';
}

/** Lines worth editing: indented code lines inside bodies, spread over the file. */
function editLines(text: string, count: number): number[] {
  const lines = text.split('\n');
  const body: number[] = [];
  lines.forEach((l, i) => {
    if (/^\t+\S/.test(l) && !l.trimEnd().endsWith('\\')) body.push(i);
  });
  const out: number[] = [];
  for (let k = 0; k < count; k++) out.push(body[Math.floor((k * body.length) / count)] ?? 0);
  return out;
}

/** `budgetMs`: stop editing once the edits have taken this long (the result then has fewer samples). */
export async function measureLatency(file: string, opts: { root?: string; edits?: number; debounceMs?: number; indexTimeoutMs?: number; budgetMs?: number; nodeArgs?: string[] } = {}): Promise<LatencyResult> {
  const edits = opts.edits ?? 200;
  const text = fs.readFileSync(file, 'utf8');
  const client = new LspClient(process.execPath, [...(opts.nodeArgs ?? []), BIN, 'lsp', '--stdio']);
  const uri = `file://${path.resolve(file)}`;
  const isDiag = (version?: number) => (m: Message) =>
    m.msg.method === 'textDocument/publishDiagnostics' && m.msg.params.uri === uri && (version === undefined || m.msg.params.version === version || m.msg.params.version === undefined);
  try {
    const t0 = performance.now();
    const indexEnd = opts.root ? client.waitFor(isProgressEnd, opts.indexTimeoutMs ?? 600_000, 'the index to complete') : undefined;
    await client.initialize(opts.root ? path.resolve(opts.root) : undefined, { debounceMs: opts.debounceMs ?? 0 });
    let version = 1;
    const first = client.waitFor(isDiag(), 600_000, 'first diagnostics');
    const opened = performance.now();
    client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version, text } });
    const firstMs = (await first).at - opened;
    let indexMs: number | undefined;
    if (indexEnd) {
      await indexEnd;
      indexMs = performance.now() - t0;
      // let the re-publish after the index settle
      await new Promise((r) => setTimeout(r, 300));
    }
    const lines = text.split('\n');
    const targets = editLines(text, Math.ceil(edits / 2));
    const samples: number[] = [];
    const editsStart = performance.now();
    for (let k = 0; k < edits; k++) {
      if (performance.now() - editsStart > (opts.budgetMs ?? 300_000)) break;
      const line = targets[k >> 1];
      const undo = k % 2 === 1;
      let change: object;
      if ((k >> 1) % 2 === 0) {
        // type a space at the end of a line, then delete it
        const col = lines[line].length;
        change = undo ? { range: { start: { line, character: col }, end: { line, character: col + 1 } }, text: '' } : { range: { start: { line, character: col }, end: { line, character: col } }, text: ' ' };
      } else {
        // insert a comment line above, then remove it
        change = undo ? { range: { start: { line, character: 0 }, end: { line: line + 1, character: 0 } }, text: '' } : { range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: '\t/* edit */\n' };
      }
      version++;
      const wait = client.waitFor(isDiag(version), 600_000, `diagnostics of version ${version}`);
      const sent = performance.now();
      client.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [change] });
      const got = await wait;
      samples.push(got.at - sent);
    }
    return { file, lines: lines.length, edits: samples.length, samples, median: median(samples), p95: percentile(samples, 95), firstMs, indexMs };
  } finally {
    await client.shutdown();
  }
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const opt = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args.splice(i, 2)[1] : undefined;
  };
  const root = opt('--root');
  const edits = Number(opt('--edits') ?? 200);
  const debounceMs = Number(opt('--debounce') ?? 0);
  const nodeArgs = opt('--node-args')?.split(/\s+/).filter(Boolean);
  measureLatency(args[0], { root, edits, debounceMs, nodeArgs }).then(
    (r) => console.log(JSON.stringify({ ...r, samples: undefined })),
    (e) => {
      console.error(String(e));
      process.exitCode = 1;
    },
  );
}
