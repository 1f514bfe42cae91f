// The whole kernel, file by file: runs the server's analysis (the LSP's own file gate, then the Project API) on every
// .c and .h of a tree, one file per fresh Project, in child processes that are killed when a file exceeds its bound.
// Counts crashes, timeouts, thrown errors and unhandled rejections; reports the slowest files and the peak RSS.
//   node out/bench/kernel-files.js [--root .cache/linux-6.1] [--workers 2] [--timeout-ms 60000] [--limit N] [--match SUBSTR]
import { fork, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { loadavg } from 'node:os';

const REPO_ROOT = resolve(__dirname, '..', '..');

interface FileResult {
  file: string;
  outcome: 'ok' | 'skipped-size' | 'skipped-binary' | 'skipped-shape' | 'unreadable' | 'threw' | 'swallowed' | 'timeout' | 'crash';
  /** Set when the parse was cut short (the LSP then shows its "not checked" note): time limit or binary-looking. */
  notChecked?: 'time' | 'binary';
  ms: number;
  /** CPU time of the analysis (user + system): the figure that means something on a shared machine. */
  cpuMs: number;
  bytes: number;
  functions: number;
  findings: Record<string, number>;
  detail?: string;
}

interface ChildMessage {
  result?: FileResult;
  rejection?: string;
  hwmKb?: number;
}

// ---------------------------------------------------------------- child side

function childMain(): void {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { KnowledgeBase } = require('../server/src/core/kb/kb') as typeof import('../server/src/core/kb/kb');
  const { Project } = require('../server/src/core/project') as typeof import('../server/src/core/project');
  const { readIndexable } = require('../server/src/lsp/workspace-index') as typeof import('../server/src/lsp/workspace-index');
  const { releaseTrees } = require('../server/src/lsp/memory') as typeof import('../server/src/lsp/memory');
  /* eslint-enable @typescript-eslint/no-require-imports */
  // The Project catches exceptions from fact building and checks and then reports nothing for that file or
  // function, with no HP900. Count them here, so that a silent failure is still a failure of this run.
  const functions = require('../server/src/core/functions') as Record<string, unknown>;
  const checks = require('../server/src/core/checks') as Record<string, unknown> & { BudgetExceeded: new () => Error };
  let swallowed: string | undefined;
  const watch = (mod: Record<string, unknown>, name: string) => {
    const orig = mod[name] as (...a: unknown[]) => unknown;
    mod[name] = function (this: unknown, ...a: unknown[]) {
      try {
        return orig.apply(this, a);
      } catch (err) {
        if (!(err instanceof checks.BudgetExceeded)) swallowed ??= `${name}: ${err instanceof Error ? (err.stack ?? err.message).split('\n').slice(0, 5).join(' | ') : String(err)}`;
        throw err;
      }
    };
  };
  watch(functions, 'fileFacts');
  watch(checks, 'checkFunction');
  const kb = KnowledgeBase.builtin();
  const maxFileSize = Number(process.env.KF_MAX_FILE_SIZE) || 5 * 1024 * 1024;
  const functionBudgetMs = Number(process.env.KF_FUNCTION_BUDGET_MS) || 2000;
  const send = (m: ChildMessage) => process.send!(m);

  // An unhandled rejection is a failure of the file being analysed, but the process goes on.
  process.on('unhandledRejection', (err) => send({ rejection: err instanceof Error ? err.stack ?? err.message : String(err) }));

  process.on('message', (msg: { file: string }) => {
    const file = msg.file;
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const r: FileResult = { file, outcome: 'ok', ms: 0, cpuMs: 0, bytes: 0, functions: 0, findings: {} };
    try {
      const { text, skipped } = readIndexable(file, maxFileSize);
      if (skipped) r.outcome = skipped === 'size' ? 'skipped-size' : skipped === 'binary' ? 'skipped-binary' : skipped === 'shape' ? 'skipped-shape' : 'unreadable';
      else if (text !== undefined) {
        r.bytes = Buffer.byteLength(text);
        const project = new Project(kb, { functionBudgetMs });
        project.setFile(file, text);
        const parsed = project.parsed(file);
        if (parsed?.truncated) r.notChecked = parsed.truncatedBy ?? 'time';
        for (const f of project.findings(file)) r.findings[f.code] = (r.findings[f.code] ?? 0) + 1;
        const fns = project.functions(file);
        r.functions = fns.length;
        // Hover where an editor would: on each function name (bounded, a header can declare thousands).
        for (const fn of fns.slice(0, 200)) project.hoverAt(file, fn.span.start);
        project.removeFile(file);
      }
      if (swallowed) {
        r.outcome = 'swallowed';
        r.detail = swallowed;
        swallowed = undefined;
      }
    } catch (err) {
      r.outcome = 'threw';
      r.detail = err instanceof Error ? (err.stack ?? err.message).split('\n').slice(0, 6).join(' | ') : String(err);
    }
    r.ms = Math.round(performance.now() - t0);
    const cpu = process.cpuUsage(c0);
    r.cpuMs = Math.round((cpu.user + cpu.system) / 1000);
    send({ result: r, hwmKb: vmKb('VmHWM') });
    // As the LSP server does after each message: collect once enough text was parsed (lsp/memory.ts).
    releaseTrees();
  });
  send({ hwmKb: vmKb('VmHWM') });
}

function vmKb(field: 'VmHWM' | 'VmRSS', pid: number | string = 'self'): number {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

// ---------------------------------------------------------------- parent side

interface Options {
  root: string;
  workers: number;
  timeoutMs: number;
  limit: number;
  match: string;
  out: string;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    root: join(REPO_ROOT, '.cache', 'linux-6.1'),
    workers: 2,
    timeoutMs: 60_000,
    limit: 0,
    match: '',
    out: join(REPO_ROOT, '.cache', 'kernel-files-report.json'),
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[++i];
    if (v === undefined) throw new Error(`${a} needs a value`);
    if (a === '--root') o.root = resolve(v);
    else if (a === '--workers') o.workers = Math.max(1, Number(v) | 0);
    else if (a === '--timeout-ms') o.timeoutMs = Math.max(1, Number(v) | 0);
    else if (a === '--limit') o.limit = Math.max(0, Number(v) | 0);
    else if (a === '--match') o.match = v;
    else if (a === '--out') o.out = resolve(v);
    else throw new Error(`unknown option ${a}`);
  }
  return o;
}

/** Every .c/.h under root, sorted; symlinks are not followed. */
function listFiles(root: string): string[] {
  const out: string[] = [];
  const stack = [root];
  while (stack.length) {
    const dir = stack.pop()!;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, e.name);
      if (e.isDirectory()) stack.push(full);
      else if (e.isFile() && /\.[ch]$/.test(e.name)) out.push(full);
    }
  }
  return out.sort();
}

class Worker {
  proc!: ChildProcess;
  current: { file: string; t0: number; timer: NodeJS.Timeout } | undefined;
  peakKb = 0;
  constructor(private readonly onResult: (w: Worker, r: FileResult) => void, private readonly onRejection: (file: string, why: string) => void, private readonly timeoutMs: number) {
    this.spawn();
  }

  spawn(): void {
    this.proc = fork(__filename, ['--child'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: process.env });
    let stderr = '';
    this.proc.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    this.proc.on('message', (m: ChildMessage) => {
      if (m.hwmKb) this.peakKb = Math.max(this.peakKb, m.hwmKb);
      if (m.rejection) this.onRejection(this.current?.file ?? '(between files)', m.rejection);
      if (m.result && this.current) {
        clearTimeout(this.current.timer);
        this.current = undefined;
        this.onResult(this, m.result);
      }
    });
    this.proc.on('exit', (code, signal) => {
      const cur = this.current;
      if (!cur) return;
      clearTimeout(cur.timer);
      this.current = undefined;
      const killedByUs = signal === 'SIGKILL' && Date.now() - cur.t0 >= this.timeoutMs;
      const r: FileResult = {
        file: cur.file, outcome: killedByUs ? 'timeout' : 'crash', ms: Date.now() - cur.t0, cpuMs: 0, bytes: 0, functions: 0, findings: {},
        detail: killedByUs ? `no result within ${this.timeoutMs} ms` : `child exited: code ${code} signal ${signal}; ${stderr.slice(-600)}`,
      };
      this.spawn();
      this.onResult(this, r);
    });
  }

  run(file: string): void {
    const t0 = Date.now();
    const timer = setTimeout(() => {
      // Sample before the kill: a file that eats memory is still counted in the peak.
      this.peakKb = Math.max(this.peakKb, vmKb('VmHWM', this.proc.pid ?? 0));
      this.proc.kill('SIGKILL');
    }, this.timeoutMs);
    this.current = { file, t0, timer };
    this.proc.send({ file });
  }

  stop(): void {
    this.proc.removeAllListeners('exit');
    this.proc.kill();
  }
}

async function parentMain(o: Options): Promise<number> {
  let files = listFiles(o.root);
  if (o.match) files = files.filter((f) => f.includes(o.match));
  if (o.limit) files = files.slice(0, o.limit);
  const results: FileResult[] = [];
  const rejections: { file: string; why: string }[] = [];
  const t0 = Date.now();
  let next = 0;
  let lastReport = 0;
  console.log(`kernel-files: ${files.length} files under ${o.root}, ${o.workers} workers, ${o.timeoutMs} ms per file`);

  let workers: Worker[] = [];
  await new Promise<void>((done) => {
    let running = 0;
    const feed = (w: Worker) => {
      if (next < files.length) {
        running++;
        w.run(files[next++]);
      } else if (running === 0) done();
    };
    const onResult = (w: Worker, r: FileResult) => {
      running--;
      results.push(r);
      if (['threw', 'swallowed', 'timeout', 'crash'].includes(r.outcome)) console.log(`  ${r.outcome}: ${relative(o.root, r.file)} (${r.ms} ms) ${r.detail ?? ''}`);
      if (results.length - lastReport >= 2000) {
        lastReport = results.length;
        const s = (Date.now() - t0) / 1000;
        console.log(`  ${results.length}/${files.length} files, ${s.toFixed(0)} s, ${(results.length / s).toFixed(0)} files/s`);
        // A partial report, so that a run stopped early still leaves its figures.
        const peak = Math.max(0, ...workers.map((w) => w.peakKb));
        mkdirSync(resolve(o.out, '..'), { recursive: true });
        writeFileSync(o.out, JSON.stringify({ partial: true, ...summarise(o, results, rejections, peak, t0, files.length) }, null, 2));
      }
      feed(w);
    };
    workers = Array.from({ length: Math.min(o.workers, Math.max(1, files.length)) }, () =>
      new Worker(onResult, (file, why) => rejections.push({ file, why }), o.timeoutMs));
    if (!files.length) done();
    for (const w of workers) feed(w);
  });
  const peakKb = Math.max(0, ...workers.map((w) => w.peakKb));
  for (const w of workers) w.stop();
  const summary = summarise(o, results, rejections, peakKb, t0, files.length);
  mkdirSync(resolve(o.out, '..'), { recursive: true });
  writeFileSync(o.out, JSON.stringify(summary, null, 2));

  console.log(`files: ${summary.files} in ${summary.seconds} s (${(summary.files / Math.max(1, summary.seconds)).toFixed(0)} files/s)`);
  console.log(`analysed ${summary.ok}, skipped ${summary.skippedSize} over the size limit, ${summary.skippedBinary} binary, ${summary.skippedShape.length} over the line-length or bracket-depth limit ${JSON.stringify(summary.skippedShape.slice(0, 10))}, ${summary.unreadable} unreadable`);
  console.log(`not checked (parse cut short): ${summary.notCheckedTime.length} at the time limit ${JSON.stringify(summary.notCheckedTime.slice(0, 10))}, ${summary.notCheckedBinary} binary-looking`);
  console.log(`functions: ${summary.functions}; findings: ${JSON.stringify(summary.findings)}`);
  console.log(`median ${summary.medianMs} ms per analysed file; peak RSS of a worker ${summary.peakRssMb} MB`);
  console.log('slowest files:');
  for (const s of summary.slowest) console.log(`  ${String(s.ms).padStart(7)} ms  ${s.file} (${s.bytes} bytes, ${s.outcome}, ${s.cpuMs} ms CPU)`);
  console.log('most CPU:');
  for (const s of summary.slowestCpu) console.log(`  ${String(s.cpuMs).padStart(7)} ms CPU  ${s.file} (${s.bytes} bytes, ${s.ms} ms wall)`);
  console.log(`load average at the end: ${summary.loadAverage.map((x) => x.toFixed(1)).join(' ')}`);
  console.log(`crashes ${summary.crashes}, timeouts ${summary.timeouts}, thrown errors ${summary.threw}, swallowed errors ${summary.swallowed}, unhandled rejections ${summary.unhandledRejections}`);
  console.log(`report: ${o.out}`);
  return summary.crashes + summary.timeouts + summary.threw + summary.swallowed + summary.unhandledRejections ? 1 : 0;
}

function summarise(o: Options, results: FileResult[], rejections: { file: string; why: string }[], peakKb: number, t0: number, total: number) {

  const count = (k: FileResult['outcome']) => results.filter((r) => r.outcome === k).length;
  const findings: Record<string, number> = {};
  for (const r of results) for (const [c, n] of Object.entries(r.findings)) findings[c] = (findings[c] ?? 0) + n;
  const slowest = [...results].sort((a, b) => b.ms - a.ms).slice(0, 15);
  const seconds = (Date.now() - t0) / 1000;
  const summary = {
    root: o.root, files: results.length, of: total, seconds: Math.round(seconds),
    ok: count('ok'), skippedSize: count('skipped-size'), skippedBinary: count('skipped-binary'), skippedShape: results.filter((r) => r.outcome === 'skipped-shape').map((r) => relative(o.root, r.file)), unreadable: count('unreadable'),
    threw: count('threw'), swallowed: count('swallowed'), timeouts: count('timeout'), crashes: count('crash'), unhandledRejections: rejections.length,
    notCheckedTime: results.filter((r) => r.notChecked === 'time').map((r) => relative(o.root, r.file)),
    notCheckedBinary: results.filter((r) => r.notChecked === 'binary').length,
    functions: results.reduce((n, r) => n + r.functions, 0), findings, peakRssMb: Math.round(peakKb / 1024),
    medianMs: median(results.filter((r) => r.outcome === 'ok').map((r) => r.ms)),
    slowest: slowest.map((r) => ({ file: relative(o.root, r.file), ms: r.ms, cpuMs: r.cpuMs, bytes: r.bytes, outcome: r.outcome })),
    slowestCpu: [...results].sort((a, b) => b.cpuMs - a.cpuMs).slice(0, 15).map((r) => ({ file: relative(o.root, r.file), ms: r.ms, cpuMs: r.cpuMs, bytes: r.bytes })),
    loadAverage: loadavg(),
    failures: results.filter((r) => ['threw', 'swallowed', 'timeout', 'crash'].includes(r.outcome)).map((r) => ({ file: relative(o.root, r.file), outcome: r.outcome, detail: r.detail })),
    rejections: rejections.slice(0, 50),
  };
  return summary;
}

function median(xs: number[]): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

if (require.main === module) {
  if (process.argv.includes('--child')) childMain();
  else {
    let o: Options;
    try {
      o = parseArgs(process.argv.slice(2));
    } catch (err) {
      console.error(`kernel-files: ${(err as Error).message}`);
      process.exit(2);
    }
    parentMain(o).then((code) => process.exit(code), (err) => {
      console.error(err);
      process.exit(2);
    });
  }
}
