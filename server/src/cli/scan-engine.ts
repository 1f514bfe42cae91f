// The scan engine: collect the C files under the given paths, analyse them as one project, return the findings.
// Kept small on purpose (scan(paths, options) → { findings, stats }) so it can be optimised behind this interface.
import * as fs from 'fs';
import * as path from 'path';
import { KnowledgeBase } from '../core/kb/kb';
import type { Finding } from '../core/types';
import { Project } from '../core/project';
import { fastScan, type FastScanOptions } from './scan-fast';
import { deltaScan } from './scan-delta';
import { trackedByGit } from './git-stamps';
import { CACHE_FORMAT, cacheKey, cachedSearch, changedFiles, hotChanges, readCache, type ScanCacheData, stampFiles, writeCache } from './scan-cache';

export interface ScanOptions {
  kb?: KnowledgeBase;
  /** Follow symlinks that lead outside the given trees (inside ones are always followed). */
  followSymlinks?: boolean;
  /** Files larger than this are skipped (default 5 MB). */
  maxFileSize?: number;
  functionBudgetMs?: number;
  /** Non-fatal problems (an unreadable file, a skipped binary). */
  onWarning?: (message: string) => void;
  /** Token prefilter, raw search off the main thread, only relevant regions parsed (default true).
   *  false: the plain scan, every file parsed. Findings are the same (test/unit/perf). */
  prefilter?: boolean;
  /** Threads for the prefilter's JS search when ripgrep is not installed (default: cores). */
  workers?: number;
  /** A cache file (scan-cache.ts): the result is reused when no file that could matter changed. Prefilter only. */
  cache?: string;
}

export interface ScanStats {
  files: number;
  functions: number;
  ms: number;
  /** With the prefilter: files parsed, prefilter rounds, and what searched the tree ('index': the native word
   *  index; 'rg': ripgrep; 'js-main', 'js-workers': the JS matcher). */
  parsed?: number;
  rounds?: number;
  search?: 'index' | 'rg' | 'js-main' | 'js-workers';
  /** With a cache: 'reused' (no file that could matter changed), 'updated' (scanned with its help) or 'created'. */
  cache?: 'reused' | 'updated' | 'created';
  /** With a cache: files added, removed or changed since it was written, and how many of them could matter. */
  changed?: number;
  hotChanged?: number;
  /** With a cache and files that matter changed: whether only those were parsed (scan-delta.ts), and if not, why. */
  incremental?: boolean;
  notIncremental?: string;
}

export interface ScanResult {
  findings: Finding[];
  stats: ScanStats;
}

/** A given PATH that does not exist or cannot be read: a usage/I-O error (exit 2). */
export class ScanInputError extends Error {}

const DEFAULT_MAX = 5 * 1024 * 1024;

export function isCFile(name: string): boolean {
  return /\.[ch]$/.test(name);
}

/**
 * Files to scan, named as given or joined from the given directory, sorted within each directory.
 * Symlinks are followed only when their target is inside one of the given trees, unless followSymlinks.
 */
export function collectFiles(paths: string[], options: Pick<ScanOptions, 'followSymlinks' | 'onWarning'> = {}): string[] {
  const roots: string[] = [];
  for (const p of paths) {
    try {
      roots.push(fs.realpathSync(p));
    } catch (err) {
      throw new ScanInputError(`${p}: ${describe(err)}`);
    }
  }
  const inside = (real: string) => roots.some((r) => real === r || real.startsWith(r.endsWith(path.sep) ? r : r + path.sep));
  const seen = new Set<string>();
  const visitedDirs = new Set<string>();
  const out: string[] = [];

  const walk = (dir: string, realDir: string): void => {
    if (visitedDirs.has(realDir)) return;
    visitedDirs.add(realDir);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      options.onWarning?.(`${dir}: ${describe(err)}`);
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    // Below the given path, names are joined as path.join would (both parts are normalised already): 55,405 joins
    // in the kernel otherwise cost 70 ms.
    const sub = (d: string, name: string) => (d.endsWith(path.sep) || d === '.' ? path.join(d, name) : d + path.sep + name);
    for (const e of entries) {
      if (e.isFile()) {
        if (isCFile(e.name)) add(sub(dir, e.name), sub(realDir, e.name));
        continue;
      }
      const shown = sub(dir, e.name);
      if (e.isDirectory()) walk(shown, sub(realDir, e.name));
      else if (e.isSymbolicLink()) {
        let real: string;
        let st: fs.Stats;
        try {
          real = fs.realpathSync(shown);
          st = fs.statSync(real);
        } catch {
          continue; // dangling link
        }
        if (!options.followSymlinks && !inside(real)) continue;
        if (st.isDirectory()) walk(shown, real);
        else if (st.isFile() && isCFile(e.name)) add(shown, real);
      }
    }
  };
  const add = (shown: string, real: string): void => {
    if (seen.has(real)) return;
    seen.add(real);
    out.push(shown);
  };

  for (let i = 0; i < paths.length; i++) {
    const st = fs.statSync(roots[i]);
    if (st.isDirectory()) walk(path.normalize(paths[i]), roots[i]);
    else if (st.isFile()) add(paths[i], roots[i]);
    else throw new ScanInputError(`${paths[i]}: not a file or directory`);
  }
  return out;
}

export async function scan(paths: string[], options: ScanOptions = {}): Promise<ScanResult> {
  const t0 = performance.now();
  const files = collectFiles(paths, options);
  if (options.prefilter !== false && options.cache) return cachedScan(paths, files, options as ScanOptions & { cache: string }, t0);
  if (options.prefilter !== false) {
    const r = await fastScan(files, paths, { ...options, followSymlinks: undefined } as FastScanOptions);
    r.findings.sort(compareFindings);
    return { findings: r.findings, stats: { files: files.length, functions: r.functions, ms: Math.round(performance.now() - t0), parsed: r.stats.admitted, rounds: r.stats.rounds.length, search: r.stats.search } };
  }
  const project = new Project(options.kb ?? KnowledgeBase.builtin(), { functionBudgetMs: options.functionBudgetMs });
  const max = options.maxFileSize ?? DEFAULT_MAX;
  const loaded: string[] = [];
  for (const file of files) {
    let buf: Buffer;
    try {
      if (fs.statSync(file).size > max) {
        options.onWarning?.(`${file}: skipped, larger than ${max} bytes`);
        continue;
      }
      buf = fs.readFileSync(file);
    } catch (err) {
      options.onWarning?.(`${file}: ${describe(err)}`);
      continue;
    }
    if (buf.includes(0)) {
      options.onWarning?.(`${file}: skipped, binary file`);
      continue;
    }
    project.setFile(file, buf.toString('utf8'));
    loaded.push(file);
  }
  const findings: Finding[] = [];
  let functions = 0;
  for (const file of loaded) {
    findings.push(...project.findings(file));
    functions += project.functions(file).length;
  }
  findings.sort(compareFindings);
  return { findings, stats: { files: loaded.length, functions, ms: Math.round(performance.now() - t0) } };
}

/** The prefilter scan with a cache file: reuse it, or scan with its help and rewrite it. */
async function cachedScan(paths: string[], files: string[], options: ScanOptions & { cache: string }, t0: number): Promise<ScanResult> {
  const kb = options.kb ?? KnowledgeBase.builtin();
  const key = cacheKey(paths, kb, { maxFileSize: options.maxFileSize ?? DEFAULT_MAX, functionBudgetMs: options.functionBudgetMs ?? null, followSymlinks: !!options.followSymlinks });
  const stampedAt = Date.now();
  const { stamps, racy } = stampFiles(files, stampedAt, paths);
  const read = readCache(options.cache, key);
  if (read.problem) options.onWarning?.(read.problem);
  let old = read.data;
  if (old && trackedByGit(options.cache)) {
    options.onWarning?.(`the cache ${options.cache} is tracked by git; a cache from the repository is not trusted, scanning afresh`);
    old = undefined;
  }
  let changed: string[] = [];
  let hot: string[] = [];
  let rewritten = false;
  if (old) {
    changed = changedFiles(old, stamps);
    // A tree mostly rewritten (a fresh checkout: every stamp differs) is not read file by file: the search goes to
    // ripgrep again, seeded with the cached names so that it needs fewer rounds.
    rewritten = changed.length > files.length / 4;
    hot = rewritten ? changed : hotChanges(old, changed);
    if (hot.length === 0) {
      for (const w of old.warnings) options.onWarning?.(w);
      if (changed.length) save(options.cache, { ...old, stampedAt, files: Object.fromEntries(stamps), racy }, options);
      const stats: ScanStats = { files: files.length, functions: old.functions, ms: Math.round(performance.now() - t0), parsed: 0, rounds: 0, cache: 'reused', changed: changed.length, hotChanged: 0 };
      return { findings: old.findings, stats };
    }
  }
  let why: string | undefined;
  if (old && !rewritten) {
    const d = await deltaScan(files, paths, old, hot, { kb, maxFileSize: options.maxFileSize ?? DEFAULT_MAX, functionBudgetMs: options.functionBudgetMs, onWarning: options.onWarning, workers: options.workers, search: (options as FastScanOptions).search });
    if ('findings' in d) {
      d.findings.sort(compareFindings);
      save(options.cache, { format: CACHE_FORMAT, key, stampedAt, files: Object.fromEntries(stamps), racy, tokens: d.tokens, hits: d.hits, memberOnly: d.memberOnly, findings: d.findings, warnings: d.warnings, functions: d.functions, parsed: d.parsed, analysis: d.analysis }, options);
      const stats: ScanStats = { files: files.length, functions: d.functions, ms: Math.round(performance.now() - t0), parsed: d.parsed, rounds: 0, cache: 'updated', changed: changed.length, hotChanged: hot.length, incremental: true };
      return { findings: d.findings, stats };
    }
    why = d.refused;
  }
  const warnings: string[] = [];
  const onWarning = (m: string) => {
    warnings.push(m);
    options.onWarning?.(m);
  };
  const r = await fastScan(files, paths, {
    ...options,
    followSymlinks: undefined,
    onWarning,
    seedTokens: old?.tokens,
    seedMemberOnly: old?.memberOnly,
    keepAnalysis: true,
    searchWith: old && !rewritten ? (raw) => cachedSearch(old, changed, raw) : undefined,
  } as FastScanOptions);
  r.findings.sort(compareFindings);
  save(options.cache, { format: CACHE_FORMAT, key, stampedAt, files: Object.fromEntries(stamps), racy, tokens: r.stats.searchedTokens, hits: r.stats.hits, memberOnly: r.stats.memberOnly, findings: r.findings, warnings, functions: r.functions, parsed: r.stats.admitted, analysis: r.analysis! }, options);
  const since = old ? { changed: changed.length, hotChanged: hot.length, ...(why ? { incremental: false, notIncremental: why } : {}) } : {};
  const stats: ScanStats = { files: files.length, functions: r.functions, ms: Math.round(performance.now() - t0), parsed: r.stats.admitted, rounds: r.stats.rounds.length, search: r.stats.search, cache: old ? 'updated' : 'created', ...since };
  return { findings: r.findings, stats };
}

function save(file: string, data: ScanCacheData, options: ScanOptions): void {
  try {
    writeCache(file, data);
  } catch (err) {
    options.onWarning?.(`cannot write the cache ${file}: ${describe(err)}`);
  }
}

export function compareFindings(a: Finding, b: Finding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.span.start - b.span.start || a.span.end - b.span.end || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
}

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return 'no such file or directory';
  if (e.code === 'EACCES') return 'permission denied';
  return e.message ?? String(err);
}
