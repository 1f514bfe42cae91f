// A scan's result kept on disk (`scan --cache`), like ESLint's --cache or clangd's index: reused when no file that
// could matter changed, and otherwise used to skip most of the prefilter's searches.
// Why reuse is exact: a file that names none of the final tokens was never read by the prefilter, so when every
// changed, added or removed file is such a file, before and after, the scan would read the same files again.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { KnowledgeBase } from '../core/kb/kb';
import { compileTokens } from '../core/prefilter';
import type { FrozenFile } from '../core/frozen';
import type { Finding } from '../core/types';
import { gitStamps } from './git-stamps';
import { bareName } from './scan-workers';

export const CACHE_FORMAT = 2;
export const DEFAULT_CACHE_FILE = '.hotplug-race-cache';

/** size, mtime, ctime, inode (what git and make compare); or `git:<blob id>` when git's index vouches for the file. */
export type Stamp = [number, number, number, number] | string;

export interface ScanCacheData {
  format: number;
  key: string;
  /** When the files were stamped; a file modified that close to it may have changed within the clock's step. */
  stampedAt: number;
  files: Record<string, Stamp>;
  /** Content hashes of the files whose stamp was racy. */
  racy: Record<string, string>;
  /** Every name the prefilter searched for, and every file that named one of them. */
  tokens: string[];
  hits: string[];
  /** Of the tokens, the fields searched only where used as members (their hits hold no other use). */
  memberOnly?: string[];
  findings: Finding[];
  warnings: string[];
  functions: number;
  parsed: number;
  /** Per analysed file, its functions with their summaries (core/frozen.ts), for rescans of the changed files only. */
  analysis: Record<string, FrozenFile>;
}

/** A modification this close (ms) to the stamping makes the stamp untrustworthy (racy-git). */
const RACY_MS = 2000;

/** What the cached result depends on besides the files: this build's code, the knowledge base and the options. */
export function cacheKey(paths: readonly string[], kb: KnowledgeBase, options: Record<string, unknown>): string {
  const h = createHash('sha256');
  h.update(String(CACHE_FORMAT));
  h.update(codeHash());
  h.update(JSON.stringify(kb.entries));
  h.update(JSON.stringify(kb.lexicon));
  h.update(JSON.stringify(options));
  h.update(JSON.stringify(paths.map((p) => [p, path.resolve(p)])));
  return h.digest('hex');
}

let code: string | undefined;
/** A hash of the compiled server (core + cli): a rebuilt analysis invalidates every cache. */
function codeHash(): string {
  if (code) return code;
  const h = createHash('sha256');
  const root = path.join(__dirname, '..');
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.js')) h.update(e.name).update(fs.readFileSync(p));
    }
  };
  try {
    for (const d of ['core', 'cli']) walk(path.join(root, d));
  } catch {
    h.update(fs.readFileSync(__filename)); // bundled: this file is the whole build
  }
  return (code = h.digest('hex'));
}

/**
 * Stamps of `files` taken at `stampedAt`. A file modified within RACY_MS before it also gets a hash of its content,
 * since a change within the same clock step would not show in its stamp (git's "racily clean" entries).
 */
export function stampFiles(files: readonly string[], stampedAt: number, roots: readonly string[] = []): { stamps: Map<string, Stamp>; racy: Record<string, string> } {
  const stamps = new Map<string, Stamp>();
  const racy: Record<string, string> = {};
  const fromGit = roots.length ? gitStamps(files, roots) : new Map<string, string>();
  for (const f of files) {
    const g = fromGit.get(f);
    if (g) {
      stamps.set(f, g);
      continue;
    }
    try {
      const st = fs.statSync(f);
      const s: Stamp = [st.size, st.mtimeMs, st.ctimeMs, st.ino];
      stamps.set(f, s);
      if (isRacy(s, stampedAt)) racy[f] = contentHash(f) ?? '';
    } catch {
      stamps.set(f, [-1, 0, 0, 0]); // unreadable now: counts as changed
    }
  }
  return { stamps, racy };
}

function isRacy(s: Stamp, stampedAt: number): boolean {
  return typeof s !== 'string' && (s[1] >= stampedAt - RACY_MS || s[2] >= stampedAt - RACY_MS);
}

function contentHash(file: string): string | undefined {
  try {
    return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  } catch {
    return undefined;
  }
}

/** The cache at `file` if it is for this key; undefined (and why, unless it is simply absent) otherwise. */
export function readCache(file: string, key: string): { data?: ScanCacheData; problem?: string } {
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    return { problem: `cannot read the cache ${file}: ${(err as Error).message}` };
  }
  let data: ScanCacheData;
  try {
    data = JSON.parse(raw) as ScanCacheData;
  } catch {
    return { problem: `the cache ${file} is not valid JSON; scanning afresh` };
  }
  // A cache of another format (an older hotplug-race): replaced without a word, like one of another build.
  if (data && typeof data === 'object' && typeof data.format === 'number' && data.format !== CACHE_FORMAT && typeof data.key === 'string') return {};
  if (!isCacheData(data)) return { problem: `the cache ${file} is not a hotplug-race cache; scanning afresh` };
  if (data.key !== key) return {}; // another build, knowledge base or option set: silently rebuilt
  return { data };
}

function isCacheData(d: unknown): d is ScanCacheData {
  const x = d as ScanCacheData;
  return (
    !!x && typeof x === 'object' && x.format === CACHE_FORMAT && typeof x.key === 'string' && typeof x.stampedAt === 'number' &&
    !!x.files && typeof x.files === 'object' && !!x.racy && typeof x.racy === 'object' && [x.tokens, x.hits, x.findings, x.warnings].every(Array.isArray) && (x.memberOnly === undefined || Array.isArray(x.memberOnly)) &&
    typeof x.functions === 'number' && typeof x.parsed === 'number' && !!x.analysis && typeof x.analysis === 'object'
  );
}

/** Written to a temporary file and renamed, so an interrupted scan never leaves half a cache. */
export function writeCache(file: string, data: ScanCacheData): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, JSON.stringify(data));
    fs.renameSync(tmp, file);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** Files added, removed or changed since the cache; a racy stamp counts as unchanged only if the content is. */
export function changedFiles(cache: ScanCacheData, now: Map<string, Stamp>): string[] {
  const out: string[] = [];
  for (const [f, s] of now) {
    const old = cache.files[f];
    const same = old !== undefined && (typeof old === 'string' || typeof s === 'string' ? old === s : old[0] === s[0] && old[1] === s[1] && old[2] === s[2] && old[3] === s[3]);
    if (!same || (isRacy(old, cache.stampedAt) && (!cache.racy[f] || cache.racy[f] !== contentHash(f)))) out.push(f);
  }
  for (const f of Object.keys(cache.files)) if (!now.has(f)) out.push(f);
  return out;
}

/** The files among `changed` that may matter: named a cached token before, or name one now (bytewise, so never
 *  fewer). Empty means the cached result stands. */
export function hotChanges(cache: ScanCacheData, changed: readonly string[]): string[] {
  const hits = new Set(cache.hits);
  const m = compileTokens(cache.tokens);
  return changed.filter((f) => {
    if (hits.has(f)) return true;
    let buf: Buffer;
    try {
      buf = fs.readFileSync(f);
    } catch {
      return false; // removed or unreadable now; it named no token before
    }
    return m.test(buf);
  });
}

/**
 * The prefilter's search answered from the cache where it can: for cached tokens, only the files that named one
 * before, or changed since, can name one now, so only those are read. Other tokens go to `search`.
 */
export function cachedSearch(
  cache: ScanCacheData,
  changed: readonly string[],
  search: (files: readonly string[], tokens: readonly string[]) => Promise<string[]>,
): (files: readonly string[], tokens: readonly string[]) => Promise<string[]> {
  const known = new Set(cache.tokens);
  const membersOnly = new Set(cache.memberOnly ?? []);
  // `.name` asks for members only: any cached search of the name answered that; a bare name needs a search of
  // every use, which a members-only search did not make
  const answered = (t: string) => (t !== bareName(t) ? known.has(bareName(t)) : known.has(t) && !membersOnly.has(t));
  const candidates = new Set([...cache.hits, ...changed]);
  return async (files, tokens) => {
    const old = tokens.filter(answered);
    const fresh = tokens.filter((t) => !answered(t));
    const hit = new Set<string>();
    if (old.length) {
      const m = compileTokens(old.map(bareName));
      for (const f of files) {
        if (!candidates.has(f)) continue;
        let buf: Buffer;
        try {
          buf = fs.readFileSync(f);
        } catch {
          hit.add(f); // the scan reports the read error, as after any search
          continue;
        }
        if (m.test(buf)) hit.add(f);
      }
    }
    if (fresh.length) for (const f of await search(files, fresh)) hit.add(f);
    return files.filter((f) => hit.has(f));
  };
}
