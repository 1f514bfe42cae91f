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

/** `s:ns` as nanoseconds. */
const ns = (t: string): bigint => {
  const [s, n] = t.split(':');
  return BigInt(s) * 1_000_000_000n + BigInt(n ?? 0);
};

/** Regular files of the index at stage 0, not marked assume-unchanged or skip-worktree, with their stat data. */
export function readIndex(top: string): Map<string, IndexEntry> | undefined {
  const debug = git(top, ['ls-files', '-s', '--debug', '-z']);
  const tags = git(top, ['ls-files', '-v', '-z']);
  if (debug === undefined || tags === undefined) return undefined;
  const unreliable = new Set<string>();
  for (const rec of tags.split('\0')) {
    // lower case: assume-unchanged; S: skip-worktree; git then does not look at the file
    if (rec.length > 2 && (rec[0] === 'S' || rec[0] !== rec[0].toUpperCase())) unreliable.add(rec.slice(2));
  }
  const out = new Map<string, IndexEntry>();
  // each record: "mode oid stage\tpath\0" then indented "key: value" lines (ctime, mtime, dev/ino, uid/gid, size/flags)
  const parts = debug.split('\0');
  for (let i = 0; i + 1 < parts.length; i++) {
    const head = i === 0 ? parts[0] : parts[i].slice(parts[i].lastIndexOf('\n') + 1);
    const m = /^(\d+) ([0-9a-f]+) (\d)\t(.*)$/s.exec(head);
    if (!m) continue;
    const info = parts[i + 1];
    const f = (k: string) => new RegExp(`\\b${k}: ([0-9:]+)`).exec(info)?.[1];
    const [ctime, mtime, ino, size] = [f('ctime'), f('mtime'), f('ino'), f('size')];
    if (!ctime || !mtime || !ino || !size) continue;
    if ((m[1] !== '100644' && m[1] !== '100755') || m[3] !== '0' || unreliable.has(m[4])) continue;
    out.set(m[4], { oid: m[2], ctime: ns(ctime), mtime: ns(mtime), ino: Number(ino), size: Number(size) });
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
    const rel = path.relative(top, abs);
    const e = t?.index.get(rel.split(path.sep).join('/'));
    if (!t || !e || rel.startsWith('..')) continue;
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
