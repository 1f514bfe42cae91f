// Simulator benchmark (part of `npm run bench`): the seed scenario (test/fixtures/sim/seed-prefix.c, through the
// real analysis) with 2, 4, 6 and 8 other CPUs: time and states/s of our explorer for the race and for the fixed
// version (exhaustive), then the same models exported to Promela and verified by Spin in the same run.
//   node out/bench/sim-bench.js [--reps 5] [--json out/bench/sim-bench.json]
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KnowledgeBase } from '../server/src/core/kb/kb';
import { Project } from '../server/src/core/project';
import { preferredFix } from '../server/src/fix';
import { resolve } from '../server/src/sim/from-project';
import { explore } from '../server/src/sim/explore';
import { toPromela } from '../server/src/sim/promela';
import { buildScenario } from '../server/src/sim/program';
import { runSpin, spinAvailable } from '../server/src/sim/spin-run';

const REPO = path.resolve(__dirname, '..', '..');
const SEED = path.join(REPO, 'test', 'fixtures', 'sim', 'seed-prefix.c');

interface Row {
  cpus: number;
  shape: 'pre-fix' | 'fixed';
  verdict: string;
  states: number;
  ms: number;
  statesPerSec: number;
  spin?: { verdict: string; states: number; panMs: number; totalMs: number; statesPerSec: number };
  agree?: boolean;
  ratio?: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export function runSimBench(reps = 5): Row[] {
  const project = new Project(KnowledgeBase.builtin());
  project.setFile(SEED, fs.readFileSync(SEED, 'utf8'));
  const res = resolve(project, SEED, 'xen_hvm_cpu_up', { fixed: true, fix: (f, t) => preferredFix({ findingsForText: (a, b) => project.findingsForText(a, b), kb: project.kb }, f, t) });
  if (typeof res === 'string') throw new Error(res);
  const shapes = { 'pre-fix': buildScenario(res.input), fixed: buildScenario(res.fixed!) } as const;
  const spin = spinAvailable();
  const rows: Row[] = [];
  for (const cpus of [2, 4, 6, 8]) {
    for (const shape of ['pre-fix', 'fixed'] as const) {
      const cfg = { cpus, maxStates: 50_000_000, maxMs: 600_000 };
      explore(shapes[shape], cfg); // warm-up
      const runs = Array.from({ length: reps }, () => explore(shapes[shape], cfg));
      const ms = median(runs.map((r) => r.ms));
      const r = runs[0];
      const row: Row = { cpus, shape, verdict: r.verdict, states: r.statesExplored, ms, statesPerSec: Math.round(r.statesExplored / Math.max(ms, 0.001) * 1000) };
      if (spin) {
        const s = runSpin(toPromela(shapes[shape], cfg), { reps });
        // pan's own timer has 10 ms steps: below 50 ms its states/s is noise (and pan's wall time is process start).
        const timed = s.seconds >= 0.05;
        row.spin = { verdict: s.verdict, states: s.statesStored, panMs: Math.round((timed ? s.seconds * 1000 : s.panMs) * 100) / 100, totalMs: Math.round(s.totalMs), statesPerSec: timed ? Math.round(s.statesStored / s.seconds) : NaN };
        row.agree = s.verdict === r.verdict;
        row.ratio = timed ? Math.round((row.statesPerSec / row.spin.statesPerSec) * 100) / 100 : undefined;
      }
      rows.push(row);
    }
  }
  return rows;
}

export function formatSimBench(rows: Row[]): string {
  const out = ['simulator: seed scenario (xen_hvm_cpu_up), BFS explorer vs Spin', 'cpus shape    verdict states     ms        states/s   | spin verdict states     pan ms    states/s   total ms | agree ratio'];
  for (const r of rows) {
    const s = r.spin;
    out.push(
      `${String(r.cpus).padStart(4)} ${r.shape.padEnd(8)} ${r.verdict.padEnd(7)} ${String(r.states).padStart(9)} ${r.ms.toFixed(2).padStart(9)} ${String(r.statesPerSec).padStart(10)} | ` +
        (s ? `${s.verdict.padEnd(12)} ${String(s.states).padStart(9)} ${s.panMs.toFixed(2).padStart(9)} ${(Number.isNaN(s.statesPerSec) ? '(<50 ms)' : String(s.statesPerSec)).padStart(10)} ${String(s.totalMs).padStart(8)} | ${r.agree ? 'yes' : 'NO '}   ${r.ratio ?? '-'}` : 'spin not installed'),
    );
  }
  const four = rows.find((r) => r.cpus === 4 && r.shape === 'fixed');
  if (four) out.push(`target: seed with 4 CPUs verified exhaustively in < 100 ms: ${four.ms} ms (${four.ms < 100 ? 'met' : 'NOT met'})`);
  const agree = rows.filter((r) => r.spin);
  if (agree.length) out.push(`verdicts agree with Spin: ${agree.filter((r) => r.agree).length}/${agree.length}`);
  const ratios = rows.filter((r) => r.ratio !== undefined);
  if (ratios.length) out.push(`states/s vs Spin (where pan ran >= 50 ms): ${ratios.map((r) => `${r.cpus} CPUs ${r.ratio}x`).join(', ')}`);
  return out.join('\n');
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const reps = Number(args[args.indexOf('--reps') + 1]) || 5;
  const rows = runSimBench(args.includes('--reps') ? reps : 5);
  console.log(formatSimBench(rows));
  const j = args.indexOf('--json');
  if (j >= 0 && args[j + 1]) {
    fs.mkdirSync(path.dirname(args[j + 1]), { recursive: true });
    fs.writeFileSync(args[j + 1], JSON.stringify(rows, null, 2));
  }
  const bad = rows.some((r) => r.agree === false);
  process.exitCode = bad ? 1 : 0;
}
