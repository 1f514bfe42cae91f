// Where a file names the prefilter's tokens, classified without parsing: the scan's admission gate
// (cli/scan-fast.ts) parses a file only when one of these occurrences can change a finding.

/** What a text does with the tokens it names (comments and literals left out). */
export interface Occurrences {
  /** Names it may define: a function header (`name(...)` then `{`, annotations allowed between) or `#define name`. */
  defines: Set<string>;
  /** `name(` that is not a definition. */
  calls: Set<string>;
  /** `.field(` and `->field(`. */
  fieldCalls: Set<string>;
}

/** The text with comments and string/char literals replaced by spaces (line breaks kept), same length. */
export function blankCommentsAndLiterals(text: string): string {
  const n = text.length;
  let out: string[] | undefined;
  let last = 0;
  const blank = (from: number, to: number) => {
    out ??= [];
    out.push(text.slice(last, from), text.slice(from, to).replace(/[^\n]/g, ' '));
    last = to;
  };
  for (let i = 0; i < n; ) {
    const c = text.charCodeAt(i);
    if (c === 47 /* / */ && text.charCodeAt(i + 1) === 42 /* * */) {
      const end = text.indexOf('*/', i + 2);
      const to = end < 0 ? n : end + 2;
      blank(i, to);
      i = to;
    } else if (c === 47 && text.charCodeAt(i + 1) === 47) {
      let to = text.indexOf('\n', i);
      if (to < 0) to = n;
      blank(i, to);
      i = to;
    } else if (c === 34 /* " */ || c === 39 /* ' */) {
      let j = i + 1;
      while (j < n && text.charCodeAt(j) !== c && text.charCodeAt(j) !== 10) j += text.charCodeAt(j) === 92 ? 2 : 1;
      const to = Math.min(n, j + 1);
      blank(i, to);
      i = to;
    } else i++;
  }
  if (!out) return text;
  out.push(text.slice(last));
  return out.join('');
}

/** How far a definition's header is looked at past the name before it counts as one anyway. */
const HEADER_LIMIT = 20_000;

/**
 * Classifies every whole-word match of `pattern` (from `identifierPattern`) in `code`, which must come from
 * `blankCommentsAndLiterals`. A superset of definitions: whatever could be one counts as one.
 */
export function occurrencesIn(code: string, pattern: RegExp): Occurrences {
  const out: Occurrences = { defines: new Set(), calls: new Set(), fieldCalls: new Set() };
  pattern.lastIndex = 0;
  for (let m = pattern.exec(code); m; m = pattern.exec(code)) {
    const name = m[0];
    const at = m.index;
    const after = skipBlanks(code, at + name.length);
    const field = isMemberAccess(code, at);
    if (code.charCodeAt(after) !== 40 /* ( */) {
      if (!field && isDefineName(code, at)) out.defines.add(name);
      continue;
    }
    if (field) out.fieldCalls.add(name);
    else if (isDefineName(code, at) || bodyFollows(code, after)) out.defines.add(name);
    else out.calls.add(name);
  }
  return out;
}

function skipBlanks(code: string, i: number): number {
  while (i < code.length && isBlank(code.charCodeAt(i))) i++;
  return i;
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11 || c === 92; /* a \ continuing a line */
}

/** Preceded by `.` or `->` (blanks between allowed). */
function isMemberAccess(code: string, at: number): boolean {
  let i = at - 1;
  while (i >= 0 && isBlank(code.charCodeAt(i))) i--;
  const c = code.charCodeAt(i);
  return c === 46 /* . */ || (c === 62 /* > */ && code.charCodeAt(i - 1) === 45 /* - */);
}

/** The name right after `#define` on its line. */
function isDefineName(code: string, at: number): boolean {
  const lineStart = code.lastIndexOf('\n', at - 1) + 1;
  return /^[ \t]*#[ \t]*define[ \t]+$/.test(code.slice(lineStart, at));
}

/**
 * From the `(` after a name: its group closes, then only blanks, directive lines, identifiers (annotations,
 * attributes) and parenthesised groups until a `{`. That is how a function header ends.
 */
function bodyFollows(code: string, open: number): boolean {
  const limit = Math.min(code.length, open + HEADER_LIMIT);
  let i = open;
  for (;;) {
    // a parenthesised group
    let depth = 0;
    for (; i < limit; i++) {
      const c = code.charCodeAt(i);
      if (c === 40) depth++;
      else if (c === 41 && --depth === 0) break;
    }
    if (i >= limit) return true; // too long to tell: count it
    i++;
    for (;;) {
      i = skipBlanks(code, i);
      if (i >= limit) return i < code.length;
      const c = code.charCodeAt(i);
      if (c === 35 /* # */ && atLineStart(code, i)) {
        i = endOfDirective(code, i);
        continue;
      }
      if (isIdentStart(c)) {
        while (i < limit && isIdentPart(code.charCodeAt(i))) i++;
        continue;
      }
      break;
    }
    const c = code.charCodeAt(i);
    if (c === 123 /* { */) return true;
    if (c !== 40) return false;
  }
}

function atLineStart(code: string, i: number): boolean {
  for (let j = i - 1; j >= 0; j--) {
    const c = code.charCodeAt(j);
    if (c === 10) return true;
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

function endOfDirective(code: string, i: number): number {
  for (;;) {
    const nl = code.indexOf('\n', i);
    if (nl < 0) return code.length;
    let j = nl - 1;
    if (code.charCodeAt(j) === 13) j--;
    if (code.charCodeAt(j) !== 92) return nl + 1;
    i = nl + 1;
  }
}

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}
