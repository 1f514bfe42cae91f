// Raw token search over many files, for the prefilter: ripgrep when it is installed (SIMD, both cores),
// else worker threads running the prefilter's byte matcher, else the main thread.
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { compileTokens } from '../core/prefilter';

/** 'index': the native word index (word-index.ts), used by fastScan; searchFiles itself takes the others. */
export type SearchBackend = 'auto' | 'index' | 'rg' | 'js';

/** A search token for `name` used only as a member (`.name`, `->name`): the prefilter's `.name`. */
export function memberToken(name: string): string {
  return `.${name}`;
}

/** The name a search token looks for, member or not (searches by bytes look for every use: a superset). */
export function bareName(token: string): string {
  return token.startsWith('.') ? token.slice(1) : token;
}

/** What ripgrep and the JS matcher search for these tokens: every use of each name, a superset of member uses. */
export function bareNames(tokens: readonly string[]): string[] {
  return [...new Set(tokens.map(bareName))];
}

export interface SearchOptions {
  /** 'auto' uses ripgrep when found, else the JS matcher. */
  backend?: SearchBackend;
  /** Threads for the JS matcher (default: available cores, at most 4); 1 = main thread only. */
  workers?: number;
  /** The directories the files were collected from (ripgrep walks them). */
  roots?: string[];
  ripgrep?: string;
}

export interface SearchStats {
  backend: 'index' | 'rg' | 'js-main' | 'js-workers';
}

const RG_CANDIDATES = ['/usr/bin/rg', '/usr/local/bin/rg', '/bin/rg'];

export function findRipgrep(): string | undefined {
  return RG_CANDIDATES.find((p) => {
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** The files among `files` that contain any token (bytewise; a superset is fine, never fewer). */
export async function searchFiles(files: readonly string[], tokens: readonly string[], options: SearchOptions = {}, stats?: SearchStats): Promise<string[]> {
  if (files.length === 0 || tokens.length === 0) return [];
  const backend = options.backend ?? 'auto';
  if (backend !== 'js' && options.roots?.length) {
    const rg = options.ripgrep ?? findRipgrep();
    if (rg) {
      const hits = await ripgrepSearch(rg, files, tokens, options.roots).catch(() => undefined);
      if (hits) {
        if (stats) stats.backend = 'rg';
        return hits;
      }
      if (backend === 'rg') throw new Error('ripgrep failed');
    } else if (backend === 'rg') throw new Error('ripgrep not found');
  }
  const workers = Math.max(1, Math.min(options.workers ?? Math.min(4, os.availableParallelism()), 8));
  if (workers > 1 && files.length >= 256) {
    const hits = await workerSearch(files, tokens, workers).catch(() => undefined);
    if (hits) {
      if (stats) stats.backend = 'js-workers';
      return hits;
    }
  }
  if (stats) stats.backend = 'js-main';
  return mainThreadSearch(files, tokens);
}

export function mainThreadSearch(files: readonly string[], tokens: readonly string[]): string[] {
  const m = compileTokens(tokens);
  const out: string[] = [];
  for (const f of files) {
    let buf: Buffer;
    try {
      buf = fs.readFileSync(f);
    } catch {
      out.push(f); // let the scan report the read error as the plain scan does
      continue;
    }
    if (m.test(buf)) out.push(f);
  }
  return out;
}

/**
 * ripgrep over the roots, intersected with `files`: one walk, fixed strings as whole words, every file treated as
 * text (-uuu -a: no ignore files, hidden files, binary files), symlinks followed (-L).
 */
function ripgrepSearch(rg: string, files: readonly string[], tokens: readonly string[], roots: string[]): Promise<string[]> {
  const exts = new Set(files.map((f) => path.extname(f)).filter(Boolean));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hotplug-race-rg-'));
  const patterns = path.join(tmp, 'tokens');
  fs.writeFileSync(patterns, tokens.join('\n') + '\n');
  // -w with ASCII word characters: the whole words the analysis can see (identifierPattern's \b), fewer hits to read
  const args = ['-l', '-F', '-w', '--no-unicode', '-uuu', '-a', '-L', '--no-messages', '--no-mmap', '-f', patterns];
  for (const e of exts) args.push('-g', `*${e}`);
  args.push('--', ...roots);
  return new Promise<string[]>((resolve, reject) => {
    execFile(rg, args, { maxBuffer: 256 << 20, encoding: 'utf8' }, (err, stdout) => {
      fs.rmSync(tmp, { recursive: true, force: true });
      // exit 1: no match; 2: some error (an unreadable file): results may miss files, so do not trust them
      const code = (err as { code?: number } | null)?.code;
      if (err && code !== 1) return reject(err);
      // rg prints root + relative path, which is how the files were named unless a root was spelt unnormalised
      // (./x, x/): then look lines up by resolved path (built only then; 55k resolves cost 0.2 s a round)
      const named = new Set(files);
      let byKey: Map<string, string> | undefined;
      const hit = new Set<string>();
      for (const line of stdout.split('\n')) {
        if (!line) continue;
        if (named.has(line)) {
          hit.add(line);
          continue;
        }
        if (!byKey) byKey = new Map(files.map((f) => [path.resolve(f), f]));
        const f = byKey.get(path.resolve(line));
        if (f) hit.add(f);
      }
      resolve(files.filter((f) => hit.has(f)));
    });
  });
}

/** Worker source: the prefilter's self-contained matcher plus a read loop. */
function workerSource(): string {
  return `
const { parentPort, workerData } = require('worker_threads');
const fs = require('fs');
const compileTokens = ${compileTokens.toString()};
const m = compileTokens(workerData.tokens);
parentPort.on('message', (files) => {
  const hits = [];
  for (const f of files) {
    let buf;
    try { buf = fs.readFileSync(f); } catch { hits.push(f); continue; }
    if (m.test(buf)) hits.push(f);
  }
  parentPort.postMessage(hits);
});`;
}

/** Files handed out in batches to `n` workers as they finish, so a slow batch does not hold up the rest. */
async function workerSearch(files: readonly string[], tokens: readonly string[], n: number): Promise<string[]> {
  const batch = 128;
  const src = workerSource();
  const hit = new Set<string>();
  let next = 0;
  const runOne = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const w = new Worker(src, { eval: true, workerData: { tokens: [...tokens] } });
      const feed = (): void => {
        if (next >= files.length) {
          void w.terminate();
          resolve();
          return;
        }
        const part = files.slice(next, next + batch);
        next += batch;
        w.postMessage(part);
      };
      w.on('message', (hits: string[]) => {
        for (const h of hits) hit.add(h);
        feed();
      });
      w.on('error', reject);
      feed();
    });
  await Promise.all(Array.from({ length: n }, runOne));
  return files.filter((f) => hit.has(f));
}
