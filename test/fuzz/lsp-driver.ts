// A JSON-RPC client for the language server over stdio. Hand-rolled framing (not vscode-jsonrpc) so that the fuzzer can
// put raw, invalid UTF-8 bytes into a message body, and so that a dead or stuck server is reported, never awaited.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Answer {
  method: string;
  ms: number;
  /** Server CPU time between the request and its answer (or timeout), in ms. */
  cpuMs: number;
  /** Server CPU seconds when the request was sent. */
  cpuAtSend: number;
  /** Server run-queue wait (ms) when the request was sent. */
  waitAtSend: number;
  kind: 'result' | 'error' | 'timeout' | 'dead';
  /** Request id, for timeouts: look it up in lateAnswered once the answer comes. */
  id?: number;
  result?: unknown;
  error?: { code: number; message: string };
}

export interface ServerMessage {
  method: string;
  params: unknown;
}

type RequestHandler = (method: string, params: unknown) => unknown;

interface Pending {
  method: string;
  t0: number;
  cpu0: number;
  wait0: number;
  timer: NodeJS.Timeout;
  resolve(a: Answer): void;
}

export class LspChild {
  readonly proc: ChildProcess;
  private buf: Buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private stderrTail = '';
  private exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private rssTimer: NodeJS.Timeout;
  /** Peak VmRSS of the server in kB since the last resetPeak(). */
  peakRssKb = 0;
  /** Notifications sent by the server (publishDiagnostics, logMessage, ...), drained by the caller. */
  notifications: ServerMessage[] = [];
  /** Requests past their timeout, still unanswered; and what the late ones cost once answered (by request id). */
  private readonly late = new Map<number, { method: string; t0: number; cpu0: number }>();
  readonly lateAnswered = new Map<number, { method: string; ms: number; cpuMs: number }>();
  /** Problems in the server's own messages (bad framing, bad JSON). */
  protocolErrors: string[] = [];

  constructor(command: string, args: string[], cwd: string, private readonly onRequest: RequestHandler) {
    this.proc = spawn(command, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stdout!.on('data', (chunk: Buffer) => this.onData(chunk));
    this.proc.stderr!.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-4000);
    });
    // EPIPE after the server died: the exit handler reports it.
    this.proc.stdin!.on('error', () => undefined);
    this.proc.on('exit', (code, signal) => {
      this.exited = { code, signal };
      for (const [id, p] of this.pending) {
        clearTimeout(p.timer);
        this.pending.delete(id);
        p.resolve({ method: p.method, ms: Date.now() - p.t0, cpuMs: 0, cpuAtSend: p.cpu0, waitAtSend: p.wait0, kind: 'dead' });
      }
    });
    this.rssTimer = setInterval(() => this.sampleRss(), 50);
    this.rssTimer.unref();
  }

  get alive(): boolean {
    return this.exited === undefined;
  }

  get exitInfo(): string {
    if (!this.exited) return 'running';
    return `exit code ${this.exited.code} signal ${this.exited.signal}`;
  }

  get stderr(): string {
    return this.stderrTail;
  }

  /** Current VmRSS in kB, or 0 once the process is gone. */
  sampleRss(): number {
    if (!this.alive || this.proc.pid === undefined) return 0;
    try {
      const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${this.proc.pid}/status`, 'utf8'));
      const kb = m ? Number(m[1]) : 0;
      if (kb > this.peakRssKb) this.peakRssKb = kb;
      return kb;
    } catch {
      return 0;
    }
  }

  /** CPU seconds (user + system) the server has used so far, from /proc (0 once it is gone). */
  cpuSeconds(): number {
    if (!this.alive || this.proc.pid === undefined) return this.lastCpu;
    try {
      const stat = readFileSync(`/proc/${this.proc.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime and stime are fields 14 and 15 of the whole line, in clock ticks (100 per second on Linux).
      this.lastCpu = (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      // gone between the check and the read
    }
    return this.lastCpu;
  }

  private lastCpu = 0;

  /** Time the server's main thread spent runnable but waiting for a CPU, in ms (/proc/PID/schedstat). */
  runQueueMs(): number {
    if (!this.alive || this.proc.pid === undefined) return this.lastWait;
    try {
      this.lastWait = Number(readFileSync(`/proc/${this.proc.pid}/schedstat`, 'utf8').split(' ')[1]) / 1e6;
    } catch {
      // gone
    }
    return this.lastWait;
  }

  private lastWait = 0;

  cpuMsSince(cpuSeconds: number): number {
    return Math.round((this.cpuSeconds() - cpuSeconds) * 1000);
  }

  resetPeak(): void {
    this.peakRssKb = 0;
    this.sampleRss();
  }

  request(method: string, params: unknown, timeoutMs: number): Promise<Answer> {
    return this.requestRaw(method, Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: this.nextId, method, params })), timeoutMs);
  }

  /** Send a request whose body is already encoded; its id must be the one `peekId()` returned. */
  requestRaw(method: string, body: Buffer, timeoutMs: number): Promise<Answer> {
    const id = this.nextId++;
    const t0 = Date.now();
    const cpu0 = this.cpuSeconds();
    const wait0 = this.runQueueMs();
    return new Promise<Answer>((resolve) => {
      if (!this.alive) return resolve({ method, ms: 0, cpuMs: 0, cpuAtSend: cpu0, waitAtSend: wait0, kind: 'dead' });
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.late.set(id, { method, t0, cpu0 });
        resolve({ method, ms: Date.now() - t0, cpuMs: this.cpuMsSince(cpu0), cpuAtSend: cpu0, waitAtSend: wait0, kind: 'timeout', id });
      }, timeoutMs);
      this.pending.set(id, { method, t0, cpu0, wait0, timer, resolve });
      void this.write(body);
    });
  }

  peekId(): number {
    return this.nextId;
  }

  notify(method: string, params: unknown): Promise<void> {
    return this.write(Buffer.from(JSON.stringify({ jsonrpc: '2.0', method, params })));
  }

  /** Write one framed message; waits for the pipe to drain so a storm of 10 MB messages cannot pile up here. */
  async write(body: Buffer): Promise<void> {
    if (!this.alive) return;
    const stdin = this.proc.stdin!;
    const ok = stdin.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]));
    if (!ok && this.alive) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearInterval(poll);
          stdin.off('drain', done);
          resolve();
        };
        // The pipe never drains if the server dies while we wait.
        const poll = setInterval(() => {
          if (!this.alive) done();
        }, 100);
        stdin.once('drain', done);
      });
    }
  }

  /** Wait for the process to end, up to `ms`; then kill it. */
  async stop(ms = 2000): Promise<void> {
    clearInterval(this.rssTimer);
    if (!this.alive) return;
    const gone = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), ms);
    try {
      await this.request('shutdown', null, ms);
      await this.notify('exit', null);
      this.proc.stdin!.end();
    } catch {
      this.proc.kill('SIGKILL');
    }
    await gone;
    clearTimeout(timer);
  }

  kill(): Promise<void> {
    clearInterval(this.rssTimer);
    if (!this.alive) return Promise.resolve();
    const gone = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
    this.proc.kill('SIGKILL');
    return gone;
  }

  private onData(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    for (;;) {
      const headerEnd = this.buf.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const header = this.buf.subarray(0, headerEnd).toString('ascii');
      const m = /Content-Length:\s*(\d+)/i.exec(header);
      if (!m) {
        this.protocolErrors.push(`bad header from server: ${JSON.stringify(header.slice(0, 200))}`);
        this.buf = this.buf.subarray(headerEnd + 4);
        continue;
      }
      const len = Number(m[1]);
      if (this.buf.length < headerEnd + 4 + len) return;
      const body = this.buf.subarray(headerEnd + 4, headerEnd + 4 + len).toString('utf8');
      this.buf = this.buf.subarray(headerEnd + 4 + len);
      let msg: { id?: number | string; method?: string; params?: unknown; result?: unknown; error?: { code: number; message: string } };
      try {
        msg = JSON.parse(body);
      } catch {
        this.protocolErrors.push(`bad JSON from server: ${body.slice(0, 200)}`);
        continue;
      }
      this.dispatch(msg);
    }
  }

  private dispatch(msg: { id?: number | string; method?: string; params?: unknown; result?: unknown; error?: { code: number; message: string } }): void {
    if (msg.method !== undefined && msg.id !== undefined) {
      let result: unknown = null;
      try {
        result = this.onRequest(msg.method, msg.params);
      } catch {
        result = null;
      }
      void this.write(Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: msg.id, result: result ?? null })));
    } else if (msg.method !== undefined) {
      this.notifications.push({ method: msg.method, params: msg.params });
      if (this.notifications.length > 10_000) this.notifications.splice(0, 5_000);
    } else if (typeof msg.id === 'number') {
      const p = this.pending.get(msg.id);
      if (!p) {
        // Answered after its timeout: keep what it cost, the caller judges it.
        const l = this.late.get(msg.id);
        if (l) {
          this.late.delete(msg.id);
          this.lateAnswered.set(msg.id, { method: l.method, ms: Date.now() - l.t0, cpuMs: this.cpuMsSince(l.cpu0) });
        }
        return;
      }
      clearTimeout(p.timer);
      this.pending.delete(msg.id);
      const base = { method: p.method, ms: Date.now() - p.t0, cpuMs: this.cpuMsSince(p.cpu0), cpuAtSend: p.cpu0, waitAtSend: p.wait0 };
      p.resolve(msg.error ? { ...base, kind: 'error', error: msg.error } : { ...base, kind: 'result', result: msg.result });
    }
  }
}
