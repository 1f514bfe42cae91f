// Runs Spin on an exported model (spin -a; gcc pan.c; ./pan) and reads its verdict and statistics.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface SpinResult {
  verdict: 'race' | 'safe' | 'bounded' | 'error';
  statesStored: number;
  transitions: number;
  /** pan's own search time. */
  seconds: number;
  /** spin -a + gcc + pan, wall clock. */
  totalMs: number;
  /** ./pan alone, wall clock (pan's own timer has 10 ms steps). */
  panMs: number;
  output: string;
}

export function spinAvailable(): boolean {
  try {
    execFileSync('spin', ['-V'], { stdio: 'pipe' });
    execFileSync('gcc', ['--version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

/** `reps` runs pan that many times on one compile and reports the median times (benchmarks). */
export function runSpin(promela: string, opts: { timeoutMs?: number; maxDepth?: number; reps?: number } = {}): SpinResult {
  const t0 = performance.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hp-spin-'));
  const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { cwd: dir, stdio: 'pipe', timeout: opts.timeoutMs ?? 120_000 }).toString();
  try {
    fs.writeFileSync(path.join(dir, 'model.pml'), promela);
    run('spin', ['-a', 'model.pml']);
    run('gcc', ['-O2', '-DSAFETY', '-DVECTORSZ=2048', '-o', 'pan', 'pan.c']);
    let out = '';
    const walls: number[] = [];
    const pans: number[] = [];
    for (let i = 0; i < Math.max(1, opts.reps ?? 1); i++) {
      const p0 = performance.now();
      try {
        out = run('./pan', ['-E', `-m${opts.maxDepth ?? 1_000_000}`]); // -E: a blocked thread is not a BUG
      } catch (e) {
        out = String((e as { stdout?: Buffer }).stdout ?? e);
      }
      walls.push(performance.now() - p0);
      pans.push(Number(/pan: elapsed time ([\d.e+-]+) seconds/.exec(out)?.[1] ?? 0));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const panMs = median(walls);
    const num = (re: RegExp) => Number(re.exec(out)?.[1] ?? NaN);
    const errors = num(/errors: (\d+)/);
    const verdict = Number.isNaN(errors) ? 'error' : errors > 0 ? 'race' : /max search depth too small/.test(out) ? 'bounded' : 'safe';
    return {
      verdict,
      statesStored: num(/([\d.e+]+) states, stored/),
      transitions: num(/([\d.e+]+) transitions \(= stored\+matched\)/),
      seconds: median(pans),
      totalMs: performance.now() - t0,
      panMs,
      output: out,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
