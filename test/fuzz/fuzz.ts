// The fuzzer: `npm run fuzz -- --seconds N --seed S`. Feeds mutated kernel-style files to `hotplug-race lsp --stdio`
// and checks, for every run, that the server stays alive, answers every request within the bound and stays
// under the memory limit. Run i of seed S is reproducible on its own: `--seed S --only i`.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { jsonStringFromBytes, jsonWithRaw } from './json-bytes';
import { LspChild, type Answer } from './lsp-driver';
import { buildScenario, type Scenario, type Step } from './scenario';

export interface FuzzOptions {
  seconds: number;
  seed: number;
  /** Stop after this many runs (0: only the time budget). */
  maxRuns: number;
  /** Replay only this run. */
  only?: number;
  timeoutMs: number;
  maxRssMb: number;
  /** Server command line. */
  server: string[];
  /** Where failing inputs are written; '' to skip. */
  saveDir: string;
  log: (line: string) => void;
}

export interface Failure {
  run: number;
  mutations: string[];
  problem: string;
  saved?: string;
}

export interface FuzzReport {
  runs: number;
  passed: number;
  failed: number;
  failures: Failure[];
  requests: number;
  slowest: { ms: number; cpuMs: number; method: string; run: number; mutations: string[] }[];
  peakRssMb: number;
  restarts: number;
  /** Runs with requests late in wall time although the server used less CPU than the bound (a busy machine). */
  starved: number;
  seconds: number;
  /** CPU seconds used by the server processes, all restarts included. */
  serverCpuSeconds: number;
  /** Server RSS (MB) after each run, its document closed: a steady climb is a leak. */
  rssAfterRunMb: number[];
  /** Most documents left open by earlier runs at once (at most MAX_LEFT_OPEN + 1). */
  maxLeftOpen: number;
}

/** How long a server that missed the bound gets to answer again before it counts as hung. */
const RECOVERY_MS = 120_000;
/**
 * One run in ten leaves its document open, like an editor tab. The server's memory grows with the documents
 * open (about 0.4 MB each for the fuzzer's mix; docs/guarantees.md), so an editor-like session keeps at most this
 * many: before each run the oldest beyond it are closed. A replay of one run (`--only`) has none.
 */
export const MAX_LEFT_OPEN = 100;

export const REPO_ROOT = resolve(__dirname, '..', '..', '..');
export const CORPUS_DIR = join(REPO_ROOT, 'test', 'fuzz', 'corpus');

export function loadCorpus(): { name: string; bytes: Buffer }[] {
  return readdirSync(CORPUS_DIR)
    .filter((n) => /\.[ch]$/.test(n))
    .sort()
    .map((name) => ({ name, bytes: readFileSync(join(CORPUS_DIR, name)) }));
}

/** A workspace with the files an indexer trips on: binary, oversized, invalid UTF-8, symlinks out and in a loop. */
function makeWorkspace(corpus: { name: string; bytes: Buffer }[]): string {
  const root = mkdtempSync(join(tmpdir(), 'hotplug-race-fuzz-'));
  for (const c of corpus) writeFileSync(join(root, c.name), c.bytes);
  const blob = Buffer.alloc(64 * 1024);
  for (let i = 0; i < blob.length; i++) blob[i] = (i * 2654435761) >>> 24;
  writeFileSync(join(root, 'firmware-blob.c'), blob);
  writeFileSync(join(root, 'latin1.h'), Buffer.from('/* caf\xe9 */\nint set_cpu_online_x;\n', 'latin1'));
  writeFileSync(join(root, 'huge.c'), Buffer.alloc(6 * 1024 * 1024, 'int x;\n'));
  writeFileSync(join(root, 'empty.c'), '');
  mkdirSync(join(root, 'dir with space'), { recursive: true });
  try {
    symlinkSync('/etc', join(root, 'etc-link'));
    symlinkSync('/etc/hostname', join(root, 'outside.c'));
    symlinkSync('.', join(root, 'loop'));
    symlinkSync('nowhere.c', join(root, 'dangling.c'));
  } catch {
    // Symlinks may be unavailable; the other files still apply.
  }
  return root;
}

class Session {
  child!: LspChild;
  settings: unknown = {};
  restarts = -1;
  /** Documents earlier runs left open, oldest first. */
  leftOpen: string[] = [];

  constructor(private readonly opts: FuzzOptions, private readonly root: string) {}

  async start(): Promise<string | undefined> {
    this.restarts++;
    this.settings = {};
    this.leftOpen = [];
    this.child = new LspChild(this.opts.server[0], this.opts.server.slice(1), REPO_ROOT, (method, params) => this.onServerRequest(method, params));
    const rootUri = pathToFileURL(this.root).href;
    const init = await this.child.request('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: 'fuzz' }],
      capabilities: {
        workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true }, workspaceFolders: true, applyEdit: true },
        window: { workDoneProgress: true },
        textDocument: { hover: { contentFormat: ['markdown', 'plaintext'] }, codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source'] } } } },
      },
      initializationOptions: { trusted: true },
    }, 20_000);
    if (init.kind !== 'result') return `initialize: ${init.kind} ${init.error?.message ?? ''} (${this.child.exitInfo}) ${this.child.stderr.slice(-500)}`;
    await this.child.notify('initialized', {});
    return undefined;
  }

  private onServerRequest(method: string, params: unknown): unknown {
    if (method === 'workspace/configuration') {
      const items = (params as { items?: unknown[] })?.items;
      return (Array.isArray(items) ? items : [null]).map(() => this.settings);
    }
    if (method === 'workspace/applyEdit') return { applied: false, failureReason: 'fuzzer' };
    if (method === 'workspace/workspaceFolders') return [{ uri: pathToFileURL(this.root).href, name: 'fuzz' }];
    return null;
  }
}

interface RunResult {
  problems: string[];
  answers: Answer[];
  /** Requests were late in wall time but the server used less CPU than the bound: the machine was busy. */
  starved: boolean;
}

async function execute(s: Session, sc: Scenario, root: string, opts: FuzzOptions): Promise<RunResult> {
  const c = s.child;
  const problems: string[] = [];
  const inflight: Promise<Answer>[] = [];
  c.notifications.length = 0;
  c.resetPeak();
  for (const step of sc.steps) {
    if (!c.alive) break;
    await perform(s, step, root, inflight, opts);
  }
  // A probe after the run: the server must still answer promptly.
  inflight.push(c.request('textDocument/hover', { textDocument: { uri: sc.uri }, position: { line: 0, character: 0 } }, opts.timeoutMs));
  const answers = await Promise.all(inflight);
  for (const a of answers) {
    if (a.kind === 'error' && a.error && ![-32601, -32602, -32800].includes(a.error.code)) {
      // Method not found, invalid params (the fuzzer sends bad command arguments) and cancelled are answers;
      // anything else is a handler that threw.
      problems.push(`${a.method} answered error ${a.error.code}: ${a.error.message.slice(0, 300)}`);
    }
  }
  const late = answers.filter((a) => a.kind === 'timeout');
  let starved = false;
  if (late.length && c.alive) {
    // Late in wall time. Give the server a minute to answer again, then judge by the CPU it used meanwhile:
    // on a shared machine a request can be late only because the server got no CPU.
    const probe = await c.request('textDocument/hover', { textDocument: { uri: sc.uri }, position: { line: 0, character: 0 } }, RECOVERY_MS);
    const cpuMs = c.cpuMsSince(Math.min(...late.map((a) => a.cpuAtSend)));
    const waitMs = Math.round(c.runQueueMs() - Math.min(...late.map((a) => a.waitAtSend)));
    const what = `${late.length} request(s) (first: ${late[0].method}) had no answer within ${opts.timeoutMs} ms`;
    const cost = `server CPU ${cpuMs} ms, waiting for a CPU ${waitMs} ms`;
    // What each late request cost in server CPU from its sending to its own answer (queueing behind other work included).
    const costs = late.map((a) => c.lateAnswered.get(a.id!)?.cpuMs ?? Infinity);
    const worst = Math.max(...costs);
    if (probe.kind === 'timeout' || probe.kind === 'dead') problems.push(`hung: ${what}, nor a further ${RECOVERY_MS} ms later (${cost})`);
    else if (worst > opts.timeoutMs) problems.push(`slow: ${what}; the slowest needed ${worst} ms of server CPU (${cost})`);
    // Late, but neither busy nor kept off the CPU for long: the server sat idle while a request waited.
    else if (cpuMs + waitMs < opts.timeoutMs / 2) problems.push(`idle while late: ${what} (${cost})`);
    else starved = true;
  }
  if (!c.alive) problems.push(`server died: ${c.exitInfo}; stderr: ${c.stderr.slice(-800)}`);
  c.sampleRss();
  if (c.peakRssKb > opts.maxRssMb * 1024) problems.push(`server RSS ${Math.round(c.peakRssKb / 1024)} MB over the ${opts.maxRssMb} MB limit`);
  for (const n of c.notifications) {
    if (n.method === 'window/logMessage') {
      const p = n.params as { type?: number; message?: string };
      if (p.type === 1) problems.push(`server logged an error: ${String(p.message).slice(0, 400)}`);
    } else if (n.method === 'textDocument/publishDiagnostics') {
      const bad = badDiagnostic(n.params);
      if (bad) problems.push(`malformed diagnostic: ${bad}`);
    }
  }
  for (const e of c.protocolErrors.splice(0)) problems.push(e);
  return { problems, answers, starved };
}

async function perform(s: Session, step: Step, root: string, inflight: Promise<Answer>[], opts: FuzzOptions): Promise<void> {
  const c = s.child;
  switch (step.kind) {
    case 'open': {
      const text = jsonStringFromBytes(step.bytes, step.escapeSurrogates);
      const params = { textDocument: { uri: step.uri, languageId: step.languageId, version: step.version, text: '@@TEXT@@' } };
      await c.write(jsonWithRaw({ jsonrpc: '2.0', method: 'textDocument/didOpen', params }, '@@TEXT@@', text));
      return;
    }
    case 'change':
      await c.notify('textDocument/didChange', { textDocument: { uri: step.uri, version: step.version }, contentChanges: step.changes });
      return;
    case 'request':
      inflight.push(c.request(step.method, step.params, opts.timeoutMs));
      return;
    case 'settings':
      s.settings = step.value;
      await c.notify('workspace/didChangeConfiguration', { settings: { hotplugRace: step.value } });
      return;
    case 'disk': {
      const file = join(root, step.name);
      writeFileSync(file, step.bytes);
      await c.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(file).href, type: 2 }] });
      return;
    }
    case 'save':
      await c.notify('textDocument/didSave', { textDocument: { uri: step.uri } });
      return;
    case 'close':
      await c.notify('textDocument/didClose', { textDocument: { uri: step.uri } });
      return;
    case 'wait':
      await new Promise((r) => setTimeout(r, step.ms));
      return;
  }
}

function badDiagnostic(params: unknown): string | undefined {
  const p = params as { uri?: unknown; diagnostics?: unknown };
  if (typeof p?.uri !== 'string' || !Array.isArray(p.diagnostics)) return 'publishDiagnostics without uri or diagnostics';
  const ok = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 2 ** 31 - 1;
  for (const d of p.diagnostics as { range?: { start?: { line?: unknown; character?: unknown }; end?: { line?: unknown; character?: unknown } }; message?: unknown }[]) {
    const r = d?.range;
    if (!r || !ok(r.start?.line) || !ok(r.start?.character) || !ok(r.end?.line) || !ok(r.end?.character)) return `bad range ${JSON.stringify(r)}`;
    if (typeof d.message !== 'string' || !d.message) return 'diagnostic without a message';
  }
  return undefined;
}

export async function fuzz(opts: FuzzOptions): Promise<FuzzReport> {
  const corpus = loadCorpus();
  if (!corpus.length) throw new Error(`no seed files in ${CORPUS_DIR}`);
  const root = makeWorkspace(corpus);
  const session = new Session(opts, root);
  const report: FuzzReport = { runs: 0, passed: 0, failed: 0, failures: [], requests: 0, slowest: [], peakRssMb: 0, restarts: 0, starved: 0, seconds: 0, serverCpuSeconds: 0, rssAfterRunMb: [], maxLeftOpen: 0 };
  const t0 = Date.now();
  const deadline = t0 + opts.seconds * 1000;
  try {
    const startProblem = await session.start();
    if (startProblem) {
      report.failed = 1;
      report.failures.push({ run: -1, mutations: [], problem: `server did not start: ${startProblem}` });
      return report;
    }
    for (let run = opts.only ?? 0; ; run++) {
      if (opts.only !== undefined && run !== opts.only) break;
      if (opts.only === undefined && (Date.now() >= deadline || (opts.maxRuns && report.runs >= opts.maxRuns))) break;
      const sc = buildScenario(opts.seed, run, corpus, root);
      while (session.leftOpen.length > MAX_LEFT_OPEN && session.child.alive) {
        await session.child.notify('textDocument/didClose', { textDocument: { uri: session.leftOpen.shift()! } });
      }
      const { problems, answers, starved } = await execute(session, sc, root, opts);
      if (!sc.steps.some((st) => st.kind === 'close')) session.leftOpen.push(sc.uri);
      report.maxLeftOpen = Math.max(report.maxLeftOpen, session.leftOpen.length);
      report.runs++;
      if (starved) report.starved++;
      report.rssAfterRunMb.push(Math.round(session.child.sampleRss() / 1024));
      report.requests += answers.length;
      report.peakRssMb = Math.max(report.peakRssMb, Math.round(session.child.peakRssKb / 1024));
      for (const a of answers) report.slowest.push({ ms: a.ms, cpuMs: a.cpuMs, method: a.method, run, mutations: sc.mutations });
      report.slowest.sort((a, b) => b.cpuMs - a.cpuMs || b.ms - a.ms).splice(5);
      if (!problems.length) {
        report.passed++;
        continue;
      }
      report.failed++;
      const failure: Failure = { run, mutations: sc.mutations, problem: problems.slice(0, 3).join(' | ') };
      if (opts.saveDir) {
        mkdirSync(opts.saveDir, { recursive: true });
        const open = sc.steps.find((st) => st.kind === 'open');
        failure.saved = join(opts.saveDir, `seed-${opts.seed}-run-${run}.c`);
        if (open?.kind === 'open') writeFileSync(failure.saved, open.bytes);
      }
      report.failures.push(failure);
      // A dead or hung server is replaced, so one failure does not hide the next ones.
      const hung = !session.child.alive || problems.some((p) => p.startsWith('hung') || p.includes('RSS'));
      opts.log(`run ${run} [${sc.mutations.join(', ')}] (${sc.seedFile}, ${sc.docBytes} bytes): ${failure.problem}`);
      if (hung) {
        report.serverCpuSeconds += session.child.cpuSeconds();
        await session.child.kill();
        const again = await session.start();
        if (again) {
          report.failures.push({ run, mutations: [], problem: `server did not restart: ${again}` });
          report.failed++;
          break;
        }
      }
    }
  } finally {
    report.restarts = Math.max(0, session.restarts);
    report.serverCpuSeconds += session.child?.cpuSeconds() ?? 0;
    await session.child?.stop();
    rmSync(root, { recursive: true, force: true });
    report.seconds = (Date.now() - t0) / 1000;
  }
  return report;
}

export function formatReport(r: FuzzReport, opts: FuzzOptions): string[] {
  const lines = [
    `fuzz: seed ${opts.seed}, ${r.runs} runs in ${r.seconds.toFixed(1)} s (server CPU ${r.serverCpuSeconds.toFixed(1)} s), ${r.requests} requests, ${r.restarts} server restarts`,
    `peak server RSS: ${r.peakRssMb} MB (limit ${opts.maxRssMb} MB); request bound ${opts.timeoutMs} ms; load average now ${loadavg().map((x) => x.toFixed(1)).join(' ')}`,
    `server RSS after a run: ${trend(r.rssAfterRunMb)}; documents left open by earlier runs: at most ${r.maxLeftOpen}`,
    `runs late in wall time only (server CPU under the bound, busy machine): ${r.starved}`,
    'slowest requests (server CPU while waiting, wall):',
    ...r.slowest.map((s) => `  ${s.cpuMs} ms CPU, ${s.ms} ms wall: ${s.method} (run ${s.run}: ${s.mutations.join(', ')})`),
  ];
  if (r.failures.length) {
    lines.push('failures:');
    for (const f of r.failures.slice(0, 50)) {
      lines.push(`  run ${f.run} [${f.mutations.join(', ')}]: ${f.problem}`);
      if (f.run >= 0) lines.push(`    replay: npm run fuzz -- --seed ${opts.seed} --only ${f.run}${f.saved ? `   input: ${f.saved}` : ''}`);
    }
  }
  lines.push(`${r.passed} passed, ${r.failed} failed`);
  return lines;
}

/** First and last tenth of the after-run RSS samples, averaged. */
function trend(xs: number[]): string {
  if (!xs.length) return 'no runs';
  const n = Math.max(1, Math.floor(xs.length / 10));
  const avg = (a: number[]) => Math.round(a.reduce((x, y) => x + y, 0) / a.length);
  return `first ${n} runs ${avg(xs.slice(0, n))} MB on average, last ${n} runs ${avg(xs.slice(-n))} MB, max ${Math.max(...xs)} MB`;
}

export function parseArgs(argv: string[]): FuzzOptions {
  const opts: FuzzOptions = {
    seconds: 20,
    seed: 1,
    maxRuns: 0,
    timeoutMs: 5000,
    maxRssMb: 1024,
    server: [process.execPath, join(REPO_ROOT, 'bin', 'hotplug-race.js'), 'lsp', '--stdio'],
    saveDir: join(REPO_ROOT, '.cache', 'fuzz-failures'),
    log: (l) => console.log(l),
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    const int = (min: number): number => {
      const v = Number(val());
      if (!Number.isInteger(v) || v < min) throw new Error(`${a} must be an integer >= ${min}`);
      return v;
    };
    if (a === '--seconds') opts.seconds = int(0);
    else if (a === '--seed') opts.seed = int(0);
    else if (a === '--runs') opts.maxRuns = int(1);
    else if (a === '--only') opts.only = int(0);
    else if (a === '--timeout-ms') opts.timeoutMs = int(1);
    else if (a === '--max-rss-mb') opts.maxRssMb = int(1);
    else if (a === '--server') opts.server = val().split(' ').filter(Boolean);
    else if (a === '--save-dir') opts.saveDir = val();
    else if (a === '--help' || a === '-h') throw new Error('usage');
    else throw new Error(`unknown option ${a}`);
  }
  return opts;
}

const USAGE = `usage: npm run fuzz -- [--seconds N] [--seed S] [--runs N] [--only RUN] [--timeout-ms MS] [--max-rss-mb MB]
                        [--server "CMD ARGS"] [--save-dir DIR]`;

async function main(): Promise<void> {
  let opts: FuzzOptions;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error((err as Error).message === 'usage' ? USAGE : `fuzz: ${(err as Error).message}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const report = await fuzz(opts);
  for (const line of formatReport(report, opts)) console.log(line);
  process.exitCode = report.failed ? 1 : 0;
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exitCode = 2;
  });
}
