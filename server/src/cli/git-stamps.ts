// Content identities from git's index for the scan cache: a file whose stat data equals what git's index recorded for
// it has the content of the index's blob, so the stamp survives a fresh checkout of the same commit (CI).
// Only the index is read (`git ls-files`): no status, no filters or fsmonitor hooks that a repository could configure.
import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

interface IndexEntry {
  oid: string;
  mtime: bigint;
  ctime: bigint;
  ino: number;
  size: number;
}

const GIT_ENV = { ...process.env, GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' };

function git(cwd: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', ['-c', 'core.fsmonitor=false', ...args], { cwd, env: GIT_ENV, encoding: 'utf8', maxBuffer: 512 << 20, timeout: 60_000, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}

/** The git object id of a file's content as a blob (SHA-1, or SHA-256 in such repositories). */
function blobId(file: string, hexLength: number): string | undefined {
  try {
    const body = fs.readFileSync(file);
    return createHash(hexLength === 64 ? 'sha256' : 'sha1').update(`blob ${body.length}\0`).update(body).digest('hex');
  } catch {
    return undefined;
  }
}

const ns = (sec: string, nsec: string): bigint => BigInt(sec) * 1_000_000_000n + BigInt(nsec);

const HEAD = /^(\d+) ([0-9a-f]+) (\d)\t/;
const STAT = /ctime: (\d+):(\d+)\n\s*mtime: (\d+):(\d+)\n\s*dev: \d+\tino: (\d+)\n[^\n]*\n\s*size: (\d+)/;

/**
 * Regular files of the index at stage 0 with their stat data. Entries git was told not to look at (assume-unchanged,
 * skip-worktree) need no exception: their stat data is not refreshed, so a changed file does not match it.
 */
export function readIndex(top: string): Map<string, IndexEntry> | undefined {
  const debug = git(top, ['ls-files', '-s', '--debug', '-z']);
  if (debug === undefined) return undefined;
  const out = new Map<string, IndexEntry>();
  // each record: "mode oid stage\tpath\0" then indented lines: ctime, mtime, dev/ino, uid/gid, size/flags
  const parts = debug.split('\0');
  for (let i = 0; i + 1 < parts.length; i++) {
    const head = i === 0 ? parts[0] : parts[i].slice(parts[i].lastIndexOf('\n') + 1);
    const h = HEAD.exec(head);
    const st = h && STAT.exec(parts[i + 1]);
    if (!h || !st || (h[1] !== '100644' && h[1] !== '100755') || h[3] !== '0') continue;
    out.set(head.slice(h[0].length), { oid: h[2], ctime: ns(st[1], st[2]), mtime: ns(st[3], st[4]), ino: Number(st[5]), size: Number(st[6]) });
  }
  return out;
}

/**
 * `git:<blob id>` for each of `files` that git's index vouches for: same mtime, ctime, inode and size as recorded,
 * and recorded before the index was written, or else the same content (a change within the clock step would not
 * show in the stat data: racy git).
 */
export function gitStamps(files: readonly string[], roots: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const tops = new Map<string, { index: Map<string, IndexEntry>; written: bigint } | undefined>();
  // one git work tree per given path (a nested repository's files are not in it, so they keep stat stamps)
  const rootTops: [string, string | undefined][] = roots.map((r) => {
    const abs = path.resolve(r);
    let dir = abs;
    try {
      if (!fs.statSync(abs).isDirectory()) dir = path.dirname(abs);
    } catch {
      return [abs, undefined];
    }
    return [abs, git(dir, ['rev-parse', '--show-toplevel'])?.trim() || undefined];
  });
  for (const file of files) {
    const abs = path.resolve(file);
    const top = rootTops.find(([r]) => abs === r || abs.startsWith(r + path.sep))?.[1];
    if (!top) continue;
    if (!tops.has(top)) {
      const index = readIndex(top);
      const indexFile = git(top, ['rev-parse', '--git-path', 'index'])?.trim();
      let written: bigint | undefined;
      try {
        if (indexFile) written = fs.statSync(path.resolve(top, indexFile), { bigint: true }).mtimeNs;
      } catch {
        written = undefined;
      }
      tops.set(top, index && written !== undefined ? { index, written } : undefined);
    }
    const t = tops.get(top);
    if (!t || !abs.startsWith(top + path.sep)) continue;
    const rel = abs.slice(top.length + 1);
    const e = t.index.get(path.sep === '/' ? rel : rel.split(path.sep).join('/'));
    if (!e) continue;
    let st: fs.BigIntStats;
    try {
      st = fs.lstatSync(abs, { bigint: true });
    } catch {
      continue;
    }
    // the index keeps 32 bits of inode and size
    const same = st.isFile() && st.mtimeNs === e.mtime && st.ctimeNs === e.ctime && Number(st.ino & 0xffffffffn) === e.ino && Number(st.size & 0xffffffffn) === e.size;
    // a racily clean entry (written within the index's clock step) is checked by content, as git itself does
    if (same && (e.mtime < t.written || blobId(abs, e.oid.length) === e.oid)) out.set(file, `git:${e.oid}`);
  }
  return out;
}

/** Whether git tracks `file` (a cache committed to the repository is the repository's word, not this tool's). */
export function trackedByGit(file: string): boolean {
  const abs = path.resolve(file);
  return git(path.dirname(abs), ['ls-files', '--error-unmatch', '--', path.basename(abs)]) !== undefined;
}
