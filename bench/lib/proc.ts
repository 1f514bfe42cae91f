// Runs a command and measures its wall time and peak RSS, summed over its whole process tree
// (spatch --jobs forks workers; node uses threads in one process), by polling /proc.
import { spawn } from 'child_process';
import * as fs from 'fs';

export interface RunResult {
  wallMs: number;
  /** Peak of the summed RSS of the process and its descendants, in KiB (sampled every 5 ms). */
  peakRssKiB: number;
  /** CPU time (user + system) of the process and its descendants, in ms (this process's children's times, before
   *  and after: every process of the tree is waited for by its parent, so its time reaches ours). */
  cpuMs: number;
  code: number | null;
  /** Why it was killed, when it was. */
  killed?: 'timeout' | 'memory';
  stdout: string;
  stderr: string;
}

function children(pid: number): number[] {
  const out: number[] = [];
  let tasks: string[];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const t of tasks) {
    try {
      for (const c of fs.readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').split(' ')) if (c.trim()) out.push(Number(c));
    } catch {
      // the task ended meanwhile
    }
  }
  return out;
}

function rssKiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

export function treeRssKiB(root: number): number {
  let sum = 0;
  const stack = [root];
  const seen = new Set<number>();
  while (stack.length) {
    const p = stack.pop()!;
    if (seen.has(p)) continue;
    seen.add(p);
    sum += rssKiB(p);
    stack.push(...children(p));
  }
  return sum;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** CPU time of this process's waited-for children (cutime + cstime of /proc/self/stat), in ms. */
function childrenCpuMs(): number {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[13]) + Number(f[14])) * TICK_MS;
  } catch {
    return NaN;
  }
}

export function run(cmd: string, args: string[], opts: { cwd?: string; maxOutput?: number; timeoutMs?: number; maxRssKiB?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const cpu0 = childrenCpuMs();
    const child = spawn(cmd, args, { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const max = opts.maxOutput ?? 64 << 20;
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { if (stdout.length < max) stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { if (stderr.length < max) stderr += d; });
    let peak = 0;
    let killed: RunResult['killed'];
    const poll = setInterval(() => {
      if (!child.pid) return;
      peak = Math.max(peak, treeRssKiB(child.pid));
      // protect a shared machine from a run that would exhaust its memory
      if (opts.maxRssKiB && peak > opts.maxRssKiB && !killed) {
        killed = 'memory';
        child.kill('SIGKILL');
      }
    }, 5);
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          killed ??= 'timeout';
          child.kill('SIGKILL');
        }, opts.timeoutMs)
      : undefined;
    child.on('error', (e) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      resolve({ wallMs: performance.now() - t0, peakRssKiB: peak, cpuMs: childrenCpuMs() - cpu0, code, killed, stdout, stderr });
    });
  });
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) >> 1] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** Nearest-rank percentile. */
export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
