// The whole-tree scan's search: one read of every file by the native helper (native/word-index.c), which keeps
// each file's distinct words (hashed) in memory and answers every prefilter round from there. ripgrep reads the
// whole tree again each round (six rounds on the kernel); this reads it once, on every core.
import { spawn, type ChildProcessByStdio } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Readable, Writable } from 'stream';
import { packageRoot } from '../core/package-root';

/** Words the index can answer for: identifiers (it keeps maximal [A-Za-z0-9_] runs that start with a letter or _),
 *  and `.name` for a name used as a member (after `.` or `->`). */
export const INDEXABLE = /^\.?[A-Za-z_]\w*$/;

/**
 * The helper: built by scripts/build-native.mjs (out/native), or shipped in the extension for this platform
 * (native/<platform>-<arch>, by scripts/package.mjs). An installed extension may have lost the executable bit.
 */
export function wordIndexBinary(): string | undefined {
  const root = packageRoot();
  for (const bin of [path.join(root, 'out', 'native', 'word-index'), path.join(root, 'native', `${process.platform}-${process.arch}`, 'word-index')]) {
    try {
      fs.accessSync(bin, fs.constants.X_OK);
      return bin;
    } catch {
      try {
        if (!fs.statSync(bin).isFile()) continue;
        fs.chmodSync(bin, 0o755);
        fs.accessSync(bin, fs.constants.X_OK);
        return bin;
      } catch {
        // not there, or not ours to make executable
      }
    }
  }
  return undefined;
}

interface Waiter {
  resolve: (line: string) => void;
  reject: (err: Error) => void;
}

/** A running index of `files`. Queries are answered in order; any failure rejects them (the caller falls back). */
export class WordIndex {
  private readonly proc: ChildProcessByStdio<Writable, Readable, Readable>;
  private readonly waiting: Waiter[] = [];
  private readonly ready: Promise<string>;
  private failure: Error | undefined;
  private stderr = '';
  private closed = false;

  /** Files over `maxBytes` are not read (in every answer): the scan skips them by size when it meets them. */
  constructor(
    private readonly files: readonly string[],
    binary: string,
    threads = os.availableParallelism(),
    maxBytes?: number,
  ) {
    const args = [String(Math.max(1, Math.min(threads, 64)))];
    if (maxBytes !== undefined && Number.isSafeInteger(maxBytes) && maxBytes > 0) args.push(String(maxBytes));
    this.proc = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.ready = this.next();
    this.ready.catch(() => undefined); // a failure before the first query is reported by that query
    let buf = '';
    this.proc.stdout.setEncoding('latin1');
    this.proc.stdout.on('data', (chunk: string) => {
      buf += chunk;
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        this.waiting.shift()?.resolve(line);
      }
    });
    this.proc.stderr.setEncoding('utf8');
    this.proc.stderr.on('data', (s: string) => (this.stderr = (this.stderr + s).slice(-2000)));
    this.proc.on('error', (err) => this.fail(err));
    this.proc.on('exit', (code, signal) => this.fail(new Error(`word-index exited (${signal ?? code})${this.stderr ? `: ${this.stderr.trim()}` : ''}`)));
    this.proc.stdin.on('error', (err) => this.fail(err));
    // paths end with NUL (a path may hold any other byte); an empty one ends the list
    this.proc.stdin.write(Buffer.from(files.join('\0') + '\0\0', 'utf8'));
  }

  /** The files among `among` (a subset of the indexed files) holding any of `tokens` as a whole word. */
  async query(among: readonly string[], tokens: readonly string[]): Promise<string[]> {
    const words = tokens.filter((t) => INDEXABLE.test(t));
    if (words.length !== tokens.length) throw new Error('word-index: a token that is not an identifier');
    const ready = await this.ready;
    if (ready !== `ready ${this.files.length}` && !ready.startsWith(`ready ${this.files.length} `)) throw new Error(`word-index: unexpected answer '${ready.slice(0, 80)}'`);
    const answer = this.next();
    this.proc.stdin.write(words.join(' ') + '\n');
    const line = await answer;
    const hit = new Set<string>();
    for (const id of line.split(' ')) if (id) hit.add(this.files[Number(id)]);
    return among.filter((f) => hit.has(f));
  }

  /** Ends the helper (its memory is the index's). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.proc.stdin.end();
    this.proc.kill();
    this.fail(new Error('word-index closed'));
  }

  private next(): Promise<string> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const w of this.waiting.splice(0)) w.reject(this.failure);
  }
}

/**
 * An index used until it fails (the CLI scan and the editor's index both fall back to ripgrep then): the first
 * failure closes it and goes to `onFailure`, which may throw; after it, `query` answers undefined.
 */
export class IndexUntilFailure {
  constructor(
    private index: WordIndex | undefined,
    private readonly onFailure: (err: Error) => void,
  ) {}

  async query(among: readonly string[], tokens: readonly string[]): Promise<string[] | undefined> {
    if (!this.index) return undefined;
    try {
      return await this.index.query(among, tokens);
    } catch (err) {
      this.close();
      this.onFailure(err as Error);
      return undefined;
    }
  }

  close(): void {
    this.index?.close();
    this.index = undefined;
  }
}
