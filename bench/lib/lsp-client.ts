// A minimal LSP client over stdio for the benchmarks: JSON-RPC framing, requests, notifications,
// answers to the server's own requests (workDoneProgress/create, configuration), and waiting on messages.
import { type ChildProcess, spawn } from 'child_process';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Message {
  /** performance.now() when the message was read. */
  at: number;
  msg: Json;
}

export class LspClient {
  readonly proc: ChildProcess;
  private buf = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: Json) => void; reject: (e: Error) => void }>();
  private waiters: { pred: (m: Message) => boolean; resolve: (m: Message) => void }[] = [];
  /** Every notification received, in order. */
  readonly notifications: Message[] = [];
  readonly spawnedAt = performance.now();
  stderr = '';
  settings: Json = {};

  constructor(cmd: string, args: string[], cwd?: string) {
    this.proc = spawn(cmd, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stdout!.on('data', (d: Buffer) => this.onData(d));
    this.proc.stderr!.setEncoding('utf8').on('data', (d: string) => {
      if (this.stderr.length < 1 << 20) this.stderr += d;
    });
    this.proc.on('exit', () => {
      for (const p of this.pending.values()) p.reject(new Error(`server exited\n${this.stderr.slice(-2000)}`));
      this.pending.clear();
    });
  }

  private onData(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      const end = this.buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const m = /Content-Length:\s*(\d+)/i.exec(this.buf.subarray(0, end).toString('ascii'));
      if (!m) throw new Error('bad LSP header');
      const len = Number(m[1]);
      if (this.buf.length < end + 4 + len) return;
      const body = this.buf.subarray(end + 4, end + 4 + len).toString('utf8');
      this.buf = this.buf.subarray(end + 4 + len);
      this.dispatch({ at: performance.now(), msg: JSON.parse(body) });
    }
  }

  private dispatch(m: Message): void {
    const msg = m.msg;
    if (msg.id !== undefined && msg.method === undefined) {
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (msg.error) p?.reject(new Error(msg.error.message));
      else p?.resolve(msg.result);
      return;
    }
    if (msg.id !== undefined) {
      // a request from the server
      let result: Json = null;
      if (msg.method === 'workspace/configuration') result = (msg.params.items as Json[]).map((it) => (it.section === 'hotplugRace' ? this.settings : null));
      this.write({ jsonrpc: '2.0', id: msg.id, result });
    } else this.notifications.push(m);
    this.waiters = this.waiters.filter((w) => {
      if (!w.pred(m)) return true;
      w.resolve(m);
      return false;
    });
  }

  private write(msg: Json): void {
    const body = Buffer.from(JSON.stringify(msg), 'utf8');
    this.proc.stdin!.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.proc.stdin!.write(body);
  }

  request(method: string, params: Json): Promise<Json> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.write({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(method: string, params: Json): void {
    this.write({ jsonrpc: '2.0', method, params });
  }

  /** The next message (notification or server request) that satisfies `pred`, or a rejection after `ms`. */
  waitFor(pred: (m: Message) => boolean, ms: number, what = 'message'): Promise<Message> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
      }, ms);
      const done = (m: Message): void => {
        clearTimeout(timer);
        resolve(m);
      };
      this.waiters.push({ pred, resolve: done });
    });
  }

  async initialize(rootPath: string | undefined, initializationOptions: Json = {}): Promise<Json> {
    const rootUri = rootPath ? `file://${rootPath}` : null;
    const res = await this.request('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders: rootPath ? [{ uri: rootUri, name: 'bench' }] : null,
      capabilities: {
        window: { workDoneProgress: true },
        workspace: { configuration: true, workspaceFolders: true },
        textDocument: { publishDiagnostics: { versionSupport: true, relatedInformation: true }, synchronization: { dynamicRegistration: false } },
      },
      initializationOptions,
    });
    this.notify('initialized', {});
    return res;
  }

  async shutdown(): Promise<void> {
    try {
      await Promise.race([this.request('shutdown', null), new Promise((r) => setTimeout(r, 3000))]);
      this.notify('exit', null);
    } catch {
      // already gone
    }
    setTimeout(() => this.proc.kill('SIGKILL'), 2000).unref();
  }
}
