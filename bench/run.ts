// `npm run bench`: hotplug-race against Coccinelle on Debian's linux-source-6.1, editor latency through the
// language server, opening the tree as a workspace, and the simulator's speed. Prints each figure with its
// target and PASS/FAIL, and writes them to .cache/bench-results.json.
// The whole tree is measured cold (no cache) and with a kept cache (scan --cache, as in CI).
// Options: --runs N (alternating pairs, default 3), --skip-whole, --skip-arch, --skip-equivalence, --skip-lsp,
// --timeout-min M (per run),
// --max-rss-gib G (a scan above it is killed).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ensureGitRepo, ensureKernelTree, ensureTools, freshCheckout } from './lib/kernel-tree';
import { generateKernelFile } from './lib/gen-kernel-file';
import { median, run, type RunResult } from './lib/proc';
import { measureLatency } from './lsp-latency';
import { measureOpenTree } from './open-tree';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'hotplug-race.js');
const COCCI = path.join(ROOT, 'bench', 'hotplug.cocci');

const args = process.argv.slice(2);
const flag = (n: string) => args.includes(n);
const opt = (n: string, d: number) => {
  const i = args.indexOf(n);
  return i >= 0 ? Number(args[i + 1]) : d;
};
const RUNS = opt('--runs', 3);
const TIMEOUT_MS = opt('--timeout-min', 15) * 60_000;
/** A scan above this is killed (the target is 1 GiB; the machine is shared). */
const MAX_RSS_GIB = opt('--max-rss-gib', 6);

interface Row {
  what: string;
  value: string;
  target: string;
  pass: boolean | undefined;
}
const rows: Row[] = [];
const results: Record<string, unknown> = { date: new Date().toISOString(), cpus: os.availableParallelism(), node: process.version };

function row(what: string, value: string, target: string, pass: boolean | undefined): void {
  rows.push({ what, value, target, pass });
  console.log(`${pass === undefined ? 'INFO' : pass ? 'PASS' : 'FAIL'}  ${what}: ${value}${target ? `  (target ${target})` : ''}`);
}

const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;

function ourScan(dir: string, plain = false, cache?: string): Promise<RunResult> {
  const extra = [...(plain ? ['--plain'] : []), ...(cache ? ['--cache-location', cache] : [])];
  return run(process.execPath, [BIN, 'scan', dir, '--format', 'json', ...extra], { timeoutMs: TIMEOUT_MS, maxRssKiB: MAX_RSS_GIB * 1024 * 1024 });
}

function spatch(dir: string): Promise<RunResult> {
  return run('spatch', ['--sp-file', COCCI, '--dir', dir, '--jobs', String(os.availableParallelism()), '--very-quiet'], { timeoutMs: TIMEOUT_MS });
}

/** The JSON report's stats of a scan run ({} when its output is not a report). */
function statsOf(r: RunResult): { search?: string; cache?: string; incremental?: boolean; notIncremental?: string } {
  try {
    return JSON.parse(r.stdout || '{}').stats ?? {};
  } catch {
    return {};
  }
}

function findingsOf(r: RunResult): { code: string; file: string }[] | undefined {
  try {
    const j = JSON.parse(r.stdout);
    return Array.isArray(j) ? j : j.findings;
  } catch {
    return undefined;
  }
}

/** A B A B ... over one directory: medians of wall time and peak RSS, and the ratio. */
async function versus(label: string, dir: string, ratioTarget: number | undefined): Promise<void> {
  const a: RunResult[] = [];
  const b: RunResult[] = [];
  for (let i = 0; i < RUNS; i++) {
    // a run that hit the time limit is not repeated: the figure is then a lower bound
    if (a.length === 0 || !a[0].killed) {
      const ra = await ourScan(dir);
      a.push(ra);
      const searched = statsOf(ra).search;
      console.log(`  hotplug-race scan #${i + 1}: ${sec(ra.wallMs)} (CPU ${sec(ra.cpuMs)}), ${mib(ra.peakRssKiB)}, exit ${ra.killed ? `killed (${ra.killed})` : ra.code}${searched ? `, search: ${searched}` : ''}`);
    }
    const rb = await spatch(dir);
    b.push(rb);
    console.log(`  spatch #${i + 1}: ${sec(rb.wallMs)} (CPU ${sec(rb.cpuMs)}), ${mib(rb.peakRssKiB)}, exit ${rb.code}, ${rb.stdout.split('\n').filter(Boolean).length} reports`);
  }
  const ok = a.every((r) => r.code === 0 || r.code === 1);
  const ta = median(a.map((r) => r.wallMs));
  const tb = median(b.map((r) => r.wallMs));
  const ma = median(a.map((r) => r.peakRssKiB));
  const mb = median(b.map((r) => r.peakRssKiB));
  const f = findingsOf(a[a.length - 1]);
  const byCode: Record<string, number> = {};
  for (const x of f ?? []) byCode[x.code] = (byCode[x.code] ?? 0) + 1;
  results[label] = { runs: RUNS, hotplugRace: { medianMs: ta, medianCpuMs: median(a.map((r) => r.cpuMs)), peakRssKiB: ma, runsMs: a.map((r) => r.wallMs), exit: a.map((r) => r.code), findings: byCode }, spatch: { medianMs: tb, medianCpuMs: median(b.map((r) => r.cpuMs)), peakRssKiB: mb, runsMs: b.map((r) => r.wallMs), reports: b[b.length - 1].stdout.split('\n').filter(Boolean) } };
  row(`${label}: hotplug-race scan exits 0 or 1`, a.map((r) => String(r.code)).join(' '), '0 or 1', ok);
  row(`${label}: hotplug-race findings`, JSON.stringify(byCode), '', undefined);
  row(`${label}: hotplug-race median wall time`, sec(ta), '', undefined);
  row(`${label}: spatch --jobs ${os.availableParallelism()} median wall time`, sec(tb), '', undefined);
  row(`${label}: ratio hotplug-race / spatch`, `${(ta / tb).toFixed(2)}x`, ratioTarget ? `<= ${ratioTarget}x` : '', ratioTarget ? ok && ta / tb <= ratioTarget : undefined);
  // CPU over wall time: how much of the machine each kept busy (2.0 = both cores all the time)
  const ca = median(a.map((r) => r.cpuMs));
  const cb = median(b.map((r) => r.cpuMs));
  row(`${label}: median CPU time (user + system), hotplug-race / spatch`, `${sec(ca)} (${(ca / ta).toFixed(2)} cores) / ${sec(cb)} (${(cb / tb).toFixed(2)} cores)`, '', undefined);
  row(`${label}: hotplug-race peak RSS`, mib(ma), label === 'whole tree' ? '< 1024 MiB' : '', label === 'whole tree' ? ma < 1024 * 1024 : undefined);
  row(`${label}: spatch peak RSS (all processes)`, mib(mb), '', undefined);
}

/** Kernel-style files the cached runs add to the tree: one that names nothing relevant, one with a new race. */
const UNRELATED = (i: number) => `static int bench_counter_${i};\n\nint bench_count_${i}(int step)\n{\n\tbench_counter_${i} += step;\n\treturn bench_counter_${i};\n}\n`;
const RACY = (i: number) =>
  `int bench_cpu_up_${i}(unsigned int cpu, struct task_struct *idle)\n{\n\tint rc = native_cpu_up(cpu, idle);\n\n\tif (rc)\n\t\treturn rc;\n\treturn xen_smp_intr_init(cpu);\n}\n`;

/**
 * The whole tree with a kept cache (scan --cache), as a CI job that keeps .hotplug-race-cache between runs: the tree
 * unchanged, a patch that adds a file naming nothing relevant, a patch that adds a race, and a fresh git checkout of
 * the same commit (git's index vouches for the files); alternating with spatch.
 */
async function cached(tree: string): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotplug-race-bench-'));
  const cache = path.join(dir, 'cache.json');
  const added = path.join(tree, 'drivers', 'hotplug-race-bench.c');
  const checkout = path.join(ROOT, '.cache', 'linux-6.1-checkout');
  try {
    const first = await ourScan(tree, false, cache);
    console.log(`  hotplug-race scan --cache (no cache yet): ${sec(first.wallMs)}, ${mib(first.peakRssKiB)}, exit ${first.code}`);
    const repo = ensureGitRepo(ROOT, tree);
    const gitCache = path.join(dir, 'checkout-cache.json');
    freshCheckout(repo, checkout);
    const firstGit = await ourScan(checkout, false, gitCache);
    console.log(`  hotplug-race scan --cache, git checkout (no cache yet): ${sec(firstGit.wallMs)}, exit ${firstGit.code}`);
    const kinds = ['unchanged tree', 'a file naming nothing relevant added', 'a file with a new race added'] as const;
    const CHECKOUT = 'a fresh git checkout of the same commit';
    const times: Record<string, RunResult[]> = Object.fromEntries([...kinds, CHECKOUT].map((k) => [k, []]));
    const sp: RunResult[] = [];
    let raceFound = true;
    for (let i = 0; i < RUNS; i++) {
      for (const k of kinds) {
        if (k === kinds[1]) fs.writeFileSync(added, UNRELATED(i));
        if (k === kinds[2]) fs.writeFileSync(added, RACY(i));
        const r = await ourScan(tree, false, cache);
        times[k].push(r);
        const f = findingsOf(r);
        const stats = statsOf(r);
        if (k === kinds[2]) raceFound &&= !!f?.some((x) => x.file === added && x.code === 'HP001');
        const how = stats.incremental ? ', changed files only' : stats.notIncremental ? `, full rescan: ${stats.notIncremental}` : '';
        console.log(`  hotplug-race scan --cache, ${k} #${i + 1}: ${sec(r.wallMs)}, ${mib(r.peakRssKiB)}, exit ${r.code}, cache ${stats.cache}${how}`);
        fs.rmSync(added, { force: true });
      }
      // the race removed again: an untimed scan brings the cache back to the unchanged tree
      await ourScan(tree, false, cache);
      // CI: a fresh checkout of the same commit in the same place, the cache kept from the job before
      freshCheckout(repo, checkout);
      const rc = await ourScan(checkout, false, gitCache);
      times[CHECKOUT].push(rc);
      console.log(`  hotplug-race scan --cache, ${CHECKOUT} #${i + 1}: ${sec(rc.wallMs)}, ${mib(rc.peakRssKiB)}, exit ${rc.code}, cache ${statsOf(rc).cache}`);
      const rb = await spatch(tree);
      sp.push(rb);
      console.log(`  spatch #${i + 1}: ${sec(rb.wallMs)}, ${mib(rb.peakRssKiB)}, exit ${rb.code}`);
    }
    const tb = median(sp.map((r) => r.wallMs));
    row('whole tree, --cache: spatch median wall time', sec(tb), '', undefined);
    row('whole tree, --cache: the added race is reported', raceFound ? 'yes' : 'NO', 'yes', raceFound);
    const out: Record<string, unknown> = { spatchMedianMs: tb, firstMs: first.wallMs };
    for (const k of [...kinds, CHECKOUT]) {
      const ta = median(times[k].map((r) => r.wallMs));
      const ma = median(times[k].map((r) => r.peakRssKiB));
      const ok = times[k].every((r) => r.code === 0 || r.code === 1);
      out[k] = { medianMs: ta, peakRssKiB: ma, runsMs: times[k].map((r) => r.wallMs) };
      row(`whole tree, --cache, ${k}: median ${sec(ta)}, ${mib(ma)}; ratio to spatch`, `${(ta / tb).toFixed(2)}x`, '<= 0.5x', ok && ta / tb <= 0.5);
    }
    results.wholeTreeCached = out;
  } finally {
    fs.rmSync(added, { force: true });
    fs.rmSync(checkout, { recursive: true, force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function equivalence(dir: string): Promise<void> {
  const fast = await ourScan(dir);
  const plain = await ourScan(dir, true);
  // the findings, not the stats (time, functions parsed), must be the same
  const ff = findingsOf(fast);
  const pf = findingsOf(plain);
  const same = !!ff && !!pf && JSON.stringify(ff) === JSON.stringify(pf) && (fast.code === 0 || fast.code === 1) && fast.code === plain.code;
  results.equivalenceArch = { fastMs: fast.wallMs, plainMs: plain.wallMs, plainPeakRssKiB: plain.peakRssKiB, same, findings: ff?.length };
  row('arch/: optimised and plain (--plain) scans report the same findings', same ? `identical (${ff?.length ?? '?'} findings)` : `DIFFERENT (${ff?.length} vs ${pf?.length}; exit ${fast.code} vs ${plain.code})`, 'identical', same);
  row('arch/: plain scan wall time / optimised', `${sec(plain.wallMs)} / ${sec(fast.wallMs)}`, '', undefined);
}

async function latency(tree: string): Promise<void> {
  const smpboot = path.join(tree, 'arch', 'x86', 'kernel', 'smpboot.c');
  try {
    const a = await measureLatency(smpboot, { root: path.dirname(smpboot), edits: 200 });
    results.latencySmpboot = { ...a, samples: undefined };
    row(`smpboot.c (${a.lines} lines, ${a.edits} edits): didChange -> publishDiagnostics median`, `${a.median.toFixed(1)} ms`, '< 10 ms', a.median < 10);
    row(`smpboot.c: p95`, `${a.p95.toFixed(1)} ms`, '< 30 ms', a.p95 < 30);
  } catch (e) {
    row('smpboot.c latency', String(e), '< 10 ms', false);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hp-bench-20k-'));
  try {
    const file = path.join(dir, 'generated_smp.c');
    fs.writeFileSync(file, generateKernelFile(20_000));
    const b = await measureLatency(file, { root: dir, edits: 200 });
    results.latency20k = { ...b, samples: undefined };
    row(`generated ${b.lines}-line file (${b.edits} edits in the time budget): median`, `${b.median.toFixed(1)} ms`, '', undefined);
    row(`generated ${b.lines}-line file: p95`, `${b.p95.toFixed(1)} ms`, '< 50 ms', b.p95 < 50);
  } catch (e) {
    row('generated 20,000-line file latency', String(e), '< 50 ms', false);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function openTree(tree: string): Promise<void> {
  const smpboot = path.join(tree, 'arch', 'x86', 'kernel', 'smpboot.c');
  for (const [label, root] of [['arch/x86', path.join(tree, 'arch', 'x86')], ['whole tree', tree]] as const) {
    try {
      const r = await measureOpenTree(root, smpboot, TIMEOUT_MS, MAX_RSS_GIB * 1024 * 1024);
      results[`open ${label}`] = r;
      row(`open ${label} as workspace: first diagnostics for smpboot.c after didOpen`, `${r.firstDiagnosticsFromOpenMs.toFixed(0)} ms (${r.firstDiagnosticsFromSpawnMs.toFixed(0)} ms from spawn)`, '< 1000 ms', r.firstDiagnosticsFromOpenMs < 1000);
      row(`open ${label}: background index complete (progress end)`, `${sec(r.indexDoneMs)}, ${r.progressReports} progress messages, peak RSS ${mib(r.peakRssKiB)}`, '', undefined);
    } catch (e) {
      row(`open ${label} as workspace`, String(e), '', false);
    }
  }
}

async function simulator(): Promise<void> {
  const simBench = path.join(ROOT, 'out', 'bench', 'sim-bench.js');
  if (!fs.existsSync(simBench)) {
    row('simulator states/s', 'bench/sim-bench not present', '', undefined);
    return;
  }
  const r = await run(process.execPath, [simBench], { timeoutMs: TIMEOUT_MS });
  results.simulator = { exit: r.code, output: r.stdout.slice(-4000) };
  console.log(r.stdout.trimEnd());
  if (r.code !== 0) console.log(r.stderr.slice(-2000));
  row('simulator bench (bench/sim-bench)', `exit ${r.code}`, 'exit 0', r.code === 0);
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(ROOT, 'out', 'server', 'src', 'cli', 'main.js'))) throw new Error('not built: run `npx tsc -p .` first (npm run bench does)');
  ensureTools();
  const tree = ensureKernelTree(ROOT);
  console.log(`# hotplug-race bench: ${tree}, ${os.availableParallelism()} CPUs, ${RUNS} alternating runs each`);
  if (!flag('--skip-whole')) {
    console.log('# whole tree');
    await versus('whole tree', tree, 0.5);
    console.log('# whole tree with a kept cache (scan --cache)');
    await cached(tree);
  }
  if (!flag('--skip-arch')) {
    console.log('# arch/');
    await versus('arch', path.join(tree, 'arch'), undefined);
  }
  if (!flag('--skip-equivalence') && !flag('--skip-arch')) {
    console.log('# arch/: optimised vs plain');
    await equivalence(path.join(tree, 'arch'));
  }
  if (!flag('--skip-lsp')) {
    console.log('# editor latency (debounce 0: the time measured is the analysis, not the typing pause)');
    await latency(tree);
    console.log('# opening the tree as a workspace');
    await openTree(tree);
  }
  console.log('# simulator');
  await simulator().catch((e) => row('simulator bench', String(e), 'exit 0', false));
  results.rows = rows;
  fs.writeFileSync(path.join(ROOT, '.cache', 'bench-results.json'), JSON.stringify(results, null, 2));
  const failed = rows.filter((r) => r.pass === false);
  console.log(`\n# summary: ${rows.filter((r) => r.pass).length} PASS, ${failed.length} FAIL, ${rows.filter((r) => r.pass === undefined).length} INFO`);
  for (const r of rows) console.log(`${r.pass === undefined ? 'INFO' : r.pass ? 'PASS' : 'FAIL'}  ${r.what}: ${r.value}${r.target ? ` (target ${r.target})` : ''}`);
  process.exitCode = failed.length ? 1 : 0;
}

main().catch((e) => {
  console.error(`bench: ${e instanceof Error ? e.stack : String(e)}`);
  process.exitCode = 2;
});
