// Token prefilter: which files can matter before anything is parsed. Pure TypeScript.
// Safe with summaries across files: the token set widens to the names of newly summarised
// functions (and the ops-table fields they are assigned to) until nothing changes.

/** A compiled set of byte tokens; `test` says whether a buffer contains any of them. */
export interface TokenMatcher {
  readonly tokens: readonly string[];
  test(buf: Uint8Array): boolean;
}

/**
 * Multi-pattern search in the Wu-Manber style: a shift table over 2-byte blocks of the first
 * `m` bytes of every token (m = the shortest token), so most windows are skipped whole.
 * One pass per buffer whatever the number of tokens; Buffer.indexOf per token is a pass each.
 */
export function compileTokens(tokens: Iterable<string>): TokenMatcher {
  // self-contained (no module-level names), so worker threads can run it from its source text
  const BLOCK = 2; // bytes per shift-table key (65536 entries)
  const list = [...new Set(tokens)].filter((t) => t.length > 0).sort();
  const bytes = list.map((t) => Buffer.from(t, 'latin1'));
  if (bytes.length === 0) return { tokens: list, test: () => false };
  const m = Math.min(...bytes.map((b) => b.length));
  if (m < BLOCK) {
    // one-byte tokens: not worth a table
    return { tokens: list, test: (buf) => bytes.some((t) => Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).indexOf(t) >= 0) };
  }
  const maxShift = Math.min(255, m - BLOCK + 1);
  const shift = new Uint8Array(65536).fill(maxShift);
  const bucket = new Map<number, Uint8Array[]>();
  for (const t of bytes) {
    for (let j = 0; j <= m - BLOCK; j++) {
      const key = (t[j] << 8) | t[j + 1];
      const s = m - j - BLOCK;
      if (s < shift[key]) shift[key] = s;
    }
    const last = (t[m - 2] << 8) | t[m - 1];
    const b = bucket.get(last);
    if (b) b.push(t);
    else bucket.set(last, [t]);
  }
  const test = (buf: Uint8Array): boolean => {
    const n = buf.length;
    let pos = m - 1;
    while (pos < n) {
      const key = (buf[pos - 1] << 8) | buf[pos];
      const s = shift[key];
      if (s !== 0) {
        pos += s;
        continue;
      }
      const start = pos - m + 1;
      for (const t of bucket.get(key)!) {
        const len = t.length;
        if (start + len > n) continue;
        let k = 0;
        while (k < len && buf[start + k] === t[k]) k++;
        if (k === len) return true;
      }
      pos++;
    }
    return false;
  };
  return { tokens: list, test };
}

/** What the fixpoint needs from the analysis: a search over files, and admitting files into the project. */
export interface PrefilterHost {
  /** The files among `files` whose bytes contain any of `tokens` (a superset is fine, never fewer). */
  search(files: readonly string[], tokens: readonly string[]): Promise<readonly string[]>;
  /** Parse and add these files (`tokens`: every token so far, for parts of files admitted earlier);
   *  then return every name that can make another file relevant now: names of functions with a
   *  non-empty summary, and ops-table fields such functions are assigned to. It may instead return
   *  `{ names, again, evicted }`: `evicted` files were dropped (they are searched again in later rounds),
   *  `again` are known names whose resolution changed since a file was evicted (searched for again). */
  admit(files: readonly string[], tokens: ReadonlySet<string>): Promise<Iterable<string> | AdmitResult>;
}

export interface AdmitResult {
  names: Iterable<string>;
  again?: Iterable<string>;
  evicted?: Iterable<string>;
}

export interface PrefilterRound {
  /** The tokens searched for in this round (the knowledge base's in round 1). */
  tokens: string[];
  searched: number;
  admitted: number;
  /** Files of this round's hits dropped again as irrelevant (eviction). */
  evicted?: number;
  searchMs: number;
  admitMs: number;
}

export interface PrefilterResult {
  admitted: string[];
  rounds: PrefilterRound[];
  tokens: string[];
}

/**
 * Round 1 searches every file for the knowledge-base tokens; round k searches the files not yet
 * admitted for the names that became relevant in round k-1. Stops when a round adds no name.
 * A file that is never admitted contains no relevant name, so it can add no event to any path.
 */
export async function prefilterFixpoint(files: readonly string[], kbTokens: Iterable<string>, host: PrefilterHost, onRound?: (r: PrefilterRound) => void): Promise<PrefilterResult> {
  const seen = new Set<string>(kbTokens);
  const admitted = new Set<string>();
  const rounds: PrefilterRound[] = [];
  let fresh = [...seen];
  while (fresh.length > 0) {
    const rest = files.filter((f) => !admitted.has(f));
    let t = performance.now();
    const hits = rest.length ? await host.search(rest, fresh) : [];
    const searchMs = performance.now() - t;
    const add = hits.filter((f) => !admitted.has(f));
    for (const f of add) admitted.add(f);
    t = performance.now();
    const res = await host.admit(add, seen);
    const admitMs = performance.now() - t;
    const { names, again, evicted } = isAdmitResult(res) ? res : { names: res, again: undefined, evicted: undefined };
    let dropped = 0;
    for (const f of evicted ?? []) if (admitted.delete(f)) dropped++;
    rounds.push({ tokens: fresh, searched: rest.length, admitted: add.length, evicted: dropped, searchMs, admitMs });
    onRound?.(rounds[rounds.length - 1]);
    fresh = [];
    for (const n of again ?? []) if (seen.has(n) && !fresh.includes(n)) fresh.push(n);
    for (const n of names) {
      if (!seen.has(n)) {
        seen.add(n);
        fresh.push(n);
      }
    }
  }
  return { admitted: files.filter((f) => admitted.has(f)), rounds, tokens: [...seen].sort() };
}

function isAdmitResult(x: Iterable<string> | AdmitResult): x is AdmitResult {
  return typeof (x as AdmitResult).names === 'object' && !(Symbol.iterator in (x as object));
}

/** A run of whole lines [startLine, endLine) of a C file that holds balanced top-level items. */
export interface Region {
  startLine: number;
  endLine: number;
}

/** The lines of a text and its top-level regions, found without parsing. */
export interface Layout {
  /** UTF-16 offset of the start of each line. */
  lineStarts: number[];
  /** Lines that are preprocessor directives (or their continuations): kept whatever happens. */
  directive: Uint8Array;
  regions: Region[];
}

/**
 * Splits C text into top-level regions by kernel style: a region ends at a line that starts with `}`
 * (the close of a function body or an initializer) once the braces since the region's start balance.
 * Comments, string and char literals and directive lines do not count. Conservative: when braces do
 * not balance (#if branches with two openers), the region runs on, so it is kept or dropped whole.
 */
export function layoutOf(text: string): Layout {
  const lineStarts: number[] = [];
  const n = text.length;
  for (let at = 0; ; ) {
    lineStarts.push(at);
    const nl = text.indexOf('\n', at);
    if (nl < 0 || nl + 1 >= n) break;
    at = nl + 1;
  }
  const lines = lineStarts.length;
  const directive = new Uint8Array(lines);
  const regions: Region[] = [];
  let inComment = false;
  let inDirective = false;
  let depth = 0;
  let regionStart = 0;
  for (let l = 0; l < lines; l++) {
    const from = lineStarts[l];
    const to = l + 1 < lines ? lineStarts[l + 1] : n;
    if (inDirective || (!inComment && firstNonBlank(text, from, to) === 35 /* # */)) {
      directive[l] = 1;
      inDirective = endsWithBackslash(text, from, to);
      inComment = scanLine(text, from, to, false).open;
      continue;
    }
    const closes = !inComment && text.charCodeAt(from) === 125; /* } at column 0 */
    const r = scanLine(text, from, to, inComment);
    inComment = r.open;
    depth += r.delta;
    if (closes && depth <= 0) {
      regions.push({ startLine: regionStart, endLine: l + 1 });
      regionStart = l + 1;
      depth = 0;
    }
  }
  if (regionStart < lines) regions.push({ startLine: regionStart, endLine: lines });
  return { lineStarts, directive, regions };
}

function firstNonBlank(text: string, from: number, to: number): number {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 12 && c !== 11) return c;
  }
  return -1;
}

function endsWithBackslash(text: string, from: number, to: number): boolean {
  let i = to - 1;
  while (i >= from && (text.charCodeAt(i) === 10 || text.charCodeAt(i) === 13 || text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i--;
  return i >= from && text.charCodeAt(i) === 92;
}

/** Brace balance of a line and whether a block comment is open at its end; skips literals and comments. */
function scanLine(text: string, from: number, to: number, open: boolean): { open: boolean; delta: number } {
  let delta = 0;
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (open) {
      if (c === 42 && text.charCodeAt(i + 1) === 47) {
        open = false;
        i += 2;
      } else i++;
    } else if (c === 47 && text.charCodeAt(i + 1) === 42) {
      open = true;
      i += 2;
    } else if (c === 47 && text.charCodeAt(i + 1) === 47) {
      break;
    } else if (c === 34 || c === 39) {
      i++;
      while (i < to && text.charCodeAt(i) !== c && text.charCodeAt(i) !== 10) i += text.charCodeAt(i) === 92 ? 2 : 1;
      i++;
    } else {
      if (c === 123) delta++;
      else if (c === 125) delta--;
      i++;
    }
  }
  return { open, delta };
}

/** A regular expression that finds any of the identifiers as a whole word. */
export function identifierPattern(tokens: Iterable<string>): RegExp | undefined {
  const list = [...new Set(tokens)].filter((t) => /^\w+$/.test(t));
  if (list.length === 0) return undefined;
  list.sort((a, b) => b.length - a.length);
  return new RegExp(`\\b(?:${list.join('|')})\\b`, 'g');
}

/** Whether `text` has a match of `pattern`, a global RegExp (identifierPattern): test() alone would start at the
 *  lastIndex of the previous text's match and could miss. */
export function hasMatch(pattern: RegExp, text: string): boolean {
  pattern.lastIndex = 0;
  const found = pattern.test(text);
  pattern.lastIndex = 0;
  return found;
}

/** Indexes of the regions that contain a match of `pattern`. */
export function regionsWithMatch(text: string, layout: Layout, pattern: RegExp | undefined): Set<number> {
  const hit = new Set<number>();
  if (!pattern) return hit;
  const { lineStarts, regions } = layout;
  pattern.lastIndex = 0;
  let r = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    const line = lineOf(lineStarts, m.index);
    while (r < regions.length && regions[r].endLine <= line) r++;
    if (r < regions.length && regions[r].startLine <= line) hit.add(r);
  }
  return hit;
}

function lineOf(lineStarts: number[], offset: number): number {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The text with the code lines of the regions not in `keep` emptied (their line breaks stay, and so
 * do directive lines), so kept lines keep their line numbers and columns. Offsets change: map them
 * back with `remapOffset`. The parser then only lexes what can matter.
 */
export function compactText(text: string, layout: Layout, keep: Set<number>): string {
  // keep files with NULs whole, so a binary-file check sees the same text
  if (keep.size === layout.regions.length || text.includes('\u0000')) return text;
  const { lineStarts, directive, regions } = layout;
  const n = text.length;
  const parts: string[] = [];
  let at = 0; // start of the not yet copied text
  for (let r = 0; r < regions.length; r++) {
    if (keep.has(r)) continue;
    for (let l = regions[r].startLine; l < regions[r].endLine; l++) {
      if (directive[l]) continue;
      const from = lineStarts[l];
      const to = l + 1 < lineStarts.length ? lineStarts[l + 1] : n;
      const hasNl = text.charCodeAt(to - 1) === 10;
      parts.push(text.slice(at, from));
      if (hasNl) parts.push(text.charCodeAt(to - 2) === 13 && to - 2 >= from ? '\r\n' : '\n');
      at = to;
    }
  }
  parts.push(text.slice(at));
  return parts.join('');
}

/** Line starts of a text (to map a compacted text's positions back). */
export function lineStartsOf(text: string): number[] {
  const out = [0];
  for (let nl = text.indexOf('\n'); nl >= 0 && nl + 1 <= text.length; nl = text.indexOf('\n', nl + 1)) out.push(nl + 1);
  return out;
}

/** Offset in the original text of a (line, column) that lies on a kept line. */
export function remapOffset(originalLineStarts: number[], line: number, col: number): number {
  return (originalLineStarts[line] ?? originalLineStarts[originalLineStarts.length - 1]) + col;
}
