// Where a file names the prefilter's tokens, classified without parsing: the scan's admission gate
// (cli/scan-fast.ts) parses a file only when one of these occurrences can change a finding.
// Matches inside comments and literals count too: they can only add a parse, never hide an occurrence.

/** What a text does with the tokens it names. */
export interface Occurrences {
  /** Names it may define: a function header (`name(...)` then `{`, annotations allowed between) or `#define name`. */
  defines: Set<string>;
  /** `name(` that is not a definition. */
  calls: Set<string>;
  /** `.field(` and `->field(`. */
  fieldCalls: Set<string>;
  /** Some `.token =` or `->token =`: the file may store into a token field. */
  fieldAssigned: boolean;
  /** Some `= token` (parentheses and `&` between allowed): the file may store a token into a field. */
  assignedFrom: boolean;
}

/** What a call `name(` at `open` is recorded as: by default its name; the admission gate narrows some. */
export type CallNames = (name: string, code: string, open: number, budget: ScanBudget) => Iterable<string>;

/**
 * Characters the look-aheads past occurrences may still read in one text. Each reads a bounded stretch, but a
 * stretch per occurrence (`f(` repeated over 5 MB) would take minutes; past the budget every look-ahead gives its
 * conservative answer at once (a definition; a call that counts).
 */
export interface ScanBudget {
  left: number;
}

/** How far a definition's header is looked at past the name before it counts as one anyway. */
const HEADER_LIMIT = 20_000;

/**
 * Classifies every whole-word match of `pattern` (from `identifierPattern`) in C text.
 * A superset of definitions: whatever could be one counts as one.
 */
export function occurrencesIn(code: string, pattern: RegExp, callNames?: CallNames): Occurrences {
  const budget: ScanBudget = { left: 2 * code.length + 100_000 };
  const out: Occurrences = { defines: new Set(), calls: new Set(), fieldCalls: new Set(), fieldAssigned: false, assignedFrom: false };
  pattern.lastIndex = 0;
  for (let m = pattern.exec(code); m; m = pattern.exec(code)) {
    const name = m[0];
    const at = m.index;
    const after = skipBlanks(code, at + name.length);
    const field = isMemberAccess(code, at);
    if (code.charCodeAt(after) !== 40 /* ( */) {
      if (!field && isDefineName(code, at)) out.defines.add(name);
      if (field && code.charCodeAt(after) === 61 /* = */ && code.charCodeAt(after + 1) !== 61) out.fieldAssigned = true;
      if (!out.assignedFrom && afterAssign(code, at)) out.assignedFrom = true;
      continue;
    }
    if (field) out.fieldCalls.add(name);
    else if (isDefineName(code, at) || bodyFollows(code, after, budget)) out.defines.add(name);
    else if (!callNames) out.calls.add(name);
    else for (const n of callNames(name, code, after, budget)) out.calls.add(n);
  }
  return out;
}

/** How far a call's argument list is looked at before it counts as one that cannot be told. */
const ARGS_LIMIT = 4000;

/**
 * The text after the `(` at `open`: its group, and the rest of the statement up to a `;`, `{` or `}` (the parser's
 * error recovery can take a stray `)` for part of the call and read on). Undefined when the group does not close
 * plainly within ARGS_LIMIT characters, with no `;`, `{`, `}` or directive line inside (literals and comments do
 * not count): the parser might group it otherwise.
 */
export function callArguments(code: string, open: number, budget?: ScanBudget): string | undefined {
  if (budget && budget.left <= 0) return undefined;
  const limit = Math.min(code.length, open + ARGS_LIMIT);
  const closers: number[] = [];
  let i = open;
  const done = (args: string | undefined): string | undefined => {
    if (budget) budget.left -= Math.max(1, i - open);
    return args;
  };
  for (; i < limit; i++) {
    const c = code.charCodeAt(i);
    if (c === 40 /* ( */) closers.push(41);
    else if (c === 91 /* [ */) closers.push(93);
    else if (c === 41 /* ) */ || c === 93 /* ] */) {
      if (closers.length === 0) continue; // past the group: part of the rest
      if (closers.pop() !== c) return done(undefined);
    } else if (c === 59 /* ; */ || c === 123 /* { */ || c === 125 /* } */ || (c === 35 /* # */ && atLineStart(code, i))) {
      return done(closers.length === 0 ? code.slice(open + 1, i) : undefined);
    } else if (c === 34 || c === 39) i = endOfLiteral(code, i) - 1;
    else if (c === 47 /* / */) {
      const j = skipBlanks(code, i);
      if (j > i) i = j - 1;
    }
  }
  return done(closers.length === 0 && limit === code.length ? code.slice(open + 1) : undefined);
}

/**
 * Whether `name` occurs in `code` before `end` other than as the name of a function definition or declaration
 * (`name(...)` then `{` or `;`) or of a `#define`: anywhere a parameter of that name may be declared
 * (`int (*name)(unsigned int)`, `cb_t name,`, `#define M(name)`). Any other occurrence counts, in comments too: more
 * parses are allowed, fewer not.
 */
export function mayBeDeclaredBefore(code: string, name: string, end: number, budget: ScanBudget): boolean {
  if (budget.left <= 0) return true;
  budget.left -= end;
  const re = new RegExp(`(?<![A-Za-z0-9_])${name}(?![A-Za-z0-9_])`, 'g');
  for (let m = re.exec(code); m && m.index < end; m = re.exec(code)) {
    const open = skipBlanks(code, m.index + name.length);
    if (code.charCodeAt(open) !== 40 /* ( */) {
      if (isDefineName(code, m.index)) continue; // `#define hpet_cpuhp_online NULL`
      return true;
    }
    const close = groupEnd(code, open);
    if (close === undefined) return true;
    const c = code.charCodeAt(skipBlanks(code, close));
    if (c !== 123 /* { */ && c !== 59 /* ; */) return true;
  }
  return false;
}

/** Just past the `)` that closes the group opened at `open`; undefined when it does not close before `limit`. */
function groupEnd(code: string, open: number, limit = Math.min(code.length, open + HEADER_LIMIT)): number | undefined {
  let depth = 0;
  for (let i = open; i < limit; i++) {
    const c = code.charCodeAt(i);
    if (c === 40) depth++;
    else if (c === 41 && --depth === 0) return i + 1;
    else if (c === 34 || c === 39) i = endOfLiteral(code, i) - 1;
    else if (c === 47) {
      const j = skipBlanks(code, i);
      if (j > i) i = j - 1;
    }
  }
  return undefined;
}

/** Past blanks and comments. */
function skipBlanks(code: string, i: number): number {
  for (;;) {
    while (i < code.length && isBlank(code.charCodeAt(i))) i++;
    if (code.charCodeAt(i) !== 47 /* / */) return i;
    const next = code.charCodeAt(i + 1);
    if (next === 42 /* * */) {
      const end = code.indexOf('*/', i + 2);
      i = end < 0 ? code.length : end + 2;
    } else if (next === 47) {
      const end = code.indexOf('\n', i);
      i = end < 0 ? code.length : end;
    } else return i;
  }
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11 || c === 92; /* a \ continuing a line */
}

/** Preceded by `.` or `->` (blanks and block comments between allowed). */
function isMemberAccess(code: string, at: number): boolean {
  let i = at - 1;
  for (;;) {
    while (i >= 0 && isBlank(code.charCodeAt(i))) i--;
    if (i < 1 || code.charCodeAt(i) !== 47 || code.charCodeAt(i - 1) !== 42) break;
    const open = code.lastIndexOf('/*', i - 2);
    if (open < 0) break;
    i = open - 1;
  }
  const c = code.charCodeAt(i);
  return c === 46 /* . */ || (c === 62 /* > */ && code.charCodeAt(i - 1) === 45 /* - */);
}

/** Preceded by `=`, with blanks, `(` and `&` between. */
function afterAssign(code: string, at: number): boolean {
  let i = at - 1;
  for (;;) {
    const c = code.charCodeAt(i);
    if (isBlank(c) || c === 40 || c === 38) i--;
    else return c === 61;
  }
}

/** The name right after `#define` on its line (read backwards over blanks only, so a long line costs nothing). */
function isDefineName(code: string, at: number): boolean {
  let i = at - 1;
  const blanks = () => {
    while (i >= 0 && (code.charCodeAt(i) === 32 || code.charCodeAt(i) === 9)) i--;
  };
  const end = i;
  blanks();
  if (i === end || i < 5 || code.slice(i - 5, i + 1) !== 'define') return false;
  i -= 6;
  blanks();
  if (i < 0 || code.charCodeAt(i) !== 35 /* # */) return false;
  i--;
  blanks();
  return i < 0 || code.charCodeAt(i) === 10;
}

/**
 * From the `(` after a name: its group closes, then only blanks, directive lines, identifiers (annotations,
 * attributes) and parenthesised groups until a `{`. That is how a function header ends.
 */
function bodyFollows(code: string, open: number, budget: ScanBudget): boolean {
  if (budget.left <= 0) return true;
  const limit = Math.min(code.length, open + HEADER_LIMIT);
  let i = open;
  const done = (body: boolean): boolean => {
    budget.left -= Math.max(1, i - open);
    return body;
  };
  for (;;) {
    // a parenthesised group
    const close = groupEnd(code, i, limit);
    if (close === undefined) {
      i = limit;
      return done(true); // too long to tell: count it
    }
    i = close;
    for (;;) {
      i = skipBlanks(code, i);
      if (i >= limit) return done(i < code.length);
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
    if (c === 123 /* { */) return done(true);
    if (c !== 40) return done(false);
  }
}

/** Just past a string or char literal that starts at `i` (it ends at its line's end at the latest). */
function endOfLiteral(code: string, i: number): number {
  const q = code.charCodeAt(i);
  let j = i + 1;
  while (j < code.length && code.charCodeAt(j) !== q && code.charCodeAt(j) !== 10) j += code.charCodeAt(j) === 92 ? 2 : 1;
  return j + 1;
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
