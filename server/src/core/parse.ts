// tree-sitter wrapper: one parser, full and incremental parses, loop-macro rewriting.
import Parser = require('tree-sitter');
// eslint-disable-next-line @typescript-eslint/no-var-requires
const C = require('tree-sitter-c');

export type Tree = Parser.Tree;
export type SyntaxNode = Parser.SyntaxNode;
/** A text edit in tree-sitter's terms (indexes and columns in UTF-16 units for JS strings). */
export type TreeEdit = Parser.Edit;

/** A kernel loop macro (`for_each_online_cpu(cpu) { ... }`) rewritten to `while(` so that it parses as a loop. */
export interface LoopSite {
  /** Offset of the rewritten `while` keyword (= the macro name). */
  start: number;
  macro: string;
  /** First macro argument: the variable the loop assigns on each iteration. */
  variable: string;
}

export interface Parsed {
  /** The text as given. */
  text: string;
  /** The text that was parsed: `text` with loop macros rewritten, same length and offsets. */
  parsedText: string;
  tree: Tree;
  loops: Map<number, LoopSite>;
  /** True when parsing was cut short (time limit) or the text looks binary; the tree is then empty. */
  truncated: boolean;
  /** Why the tree is empty, when `truncated`. */
  truncatedBy?: 'time' | 'binary';
}

export const DEFAULT_LOOP_PREFIXES = ['for_each_', 'list_for_each', 'hlist_for_each'];
/** Wall-clock limit of one parse; a test may lower it (HOTPLUG_RACE_PARSE_LIMIT_MS), nothing may raise it. */
export const PARSE_LIMIT_MS = Math.min(10_000, Number(process.env.HOTPLUG_RACE_PARSE_LIMIT_MS) || 10_000);
/** Wall-clock limit of the piecewise re-parse of erroneous regions, all pieces together. */
const RECOVERY_LIMIT_MS = 5_000;

// tree-sitter frees a tree's native memory (about 80 to 170 bytes per node) only when V8 collects its small JS
// wrapper and the event loop turns; V8 does not see that memory. Callers that parse a lot use this count to decide
// when to collect (lsp/memory.ts).
let parsedUnits = 0;
/** UTF-16 units parsed so far (full and incremental parses, recovery pieces). */
export function parsedVolume(): number {
  return parsedUnits;
}

let parser: Parser | undefined;
function getParser(): Parser {
  if (!parser) {
    parser = new Parser();
    parser.setLanguage(C);
  }
  return parser;
}

/**
 * Rewrites `for_each_x(args)` in statement position to `while(     args)` (same length), because
 * tree-sitter otherwise sees a nested function definition, a declaration or an ERROR.
 */
export function rewriteLoopMacros(text: string, prefixes: readonly string[]): { text: string; loops: Map<number, LoopSite> } {
  const loops = new Map<number, LoopSite>();
  if (!prefixes.length) return { text, loops };
  const alt = prefixes.map((p) => p.replace(/[^\w]/g, '')).filter(Boolean).join('|');
  const re = new RegExp(`\\b((?:${alt})\\w*)(\\s*)\\(`, 'g');
  let out: string[] | undefined;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const name = m[1];
    if (name.length < 6 || !inStatementPosition(text, m.index)) continue;
    const open = m.index + name.length + m[2].length;
    const close = matchParen(text, open);
    if (close < 0) continue;
    const args = text.slice(open + 1, close);
    const variable = firstArg(args);
    (out ??= []).push(text.slice(last, m.index), 'while(', ' '.repeat(open + 1 - m.index - 6));
    last = open + 1;
    loops.set(m.index, { start: m.index, macro: name, variable });
  }
  if (!out) return { text, loops };
  out.push(text.slice(last));
  return { text: out.join(''), loops };
}

function firstArg(args: string): string {
  let depth = 0;
  for (let i = 0; i < args.length; i++) {
    const c = args[i];
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === ',' && depth === 0) return args.slice(0, i).replace(/[\s()&*]/g, '');
  }
  return args.replace(/[\s()&*]/g, '');
}

function matchParen(text: string, open: number): number {
  let depth = 0;
  const limit = Math.min(text.length, open + 4000);
  for (let i = open; i < limit; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
    else if (c === ';' || c === '{' || c === '}') return -1;
  }
  return -1;
}

/** The previous significant token ends a statement (`; { } ) :`), is `else`/`do`, or ends a preprocessor line. */
function inStatementPosition(text: string, at: number): boolean {
  // Look back over a window with comments removed (line comments only up to their line's end).
  const window = text.slice(Math.max(0, at - 2000), at).replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, ' ');
  const lines = window.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i].trimEnd();
    if (!line.trim()) continue;
    if (i < lines.length - 1 && line.trimStart().startsWith('#')) return true;
    const c = line[line.length - 1];
    if (c === ';' || c === '{' || c === '}' || c === ')' || c === ':') return true;
    const word = /(\w+)$/.exec(line);
    return !!word && (word[1] === 'else' || word[1] === 'do');
  }
  return false;
}

function rawParse(text: string, old?: Tree): Tree | undefined {
  const p = getParser();
  const deadline = Date.now() + PARSE_LIMIT_MS;
  parsedUnits += text.length;
  try {
    const t = p.parse(text, old ?? null, {
      bufferSize: Math.min(Math.max(text.length + 1, 32 * 1024), 4 * 1024 * 1024),
      progressCallback: () => Date.now() > deadline,
    });
    return t ?? undefined;
  } catch {
    p.reset();
    return undefined;
  }
}

/** Parses `text`. With `previous` and `edits`, reuses the old tree (tree-sitter incremental reparse). */
export function parseText(text: string, prefixes: readonly string[] = DEFAULT_LOOP_PREFIXES, previous?: Parsed, edits?: readonly TreeEdit[]): Parsed {
  if (looksBinary(text)) return { text, parsedText: text, tree: rawParse('', undefined)!, loops: new Map(), truncated: true, truncatedBy: 'binary' };
  const rw = rewriteLoopMacros(blankAnnotations(text), prefixes);
  let old: Tree | undefined;
  if (previous && edits && edits.length && !previous.truncated && sameLoopsAfterEdits(previous, rw.loops, edits)) {
    old = previous.tree;
    for (const e of edits) old.edit(e);
  }
  let tree = rawParse(rw.text, old);
  let truncated = false;
  if (!tree) {
    truncated = true;
    tree = rawParse('', undefined)!;
  }
  return { text, parsedText: rw.text, tree, loops: rw.loops, truncated, truncatedBy: truncated ? 'time' : undefined };
}

/** NUL bytes or many control characters near the start: not C source. */
export function looksBinary(text: string): boolean {
  const head = text.slice(0, 8192);
  if (head.includes('\0')) return true;
  let ctl = 0;
  for (let i = 0; i < head.length; i++) {
    const c = head.charCodeAt(i);
    if (c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12 && c !== 11) ctl++;
  }
  return ctl > head.length / 20;
}

/** Incremental reuse is only sound when rewrites outside the edited ranges did not change. */
function sameLoopsAfterEdits(previous: Parsed, loops: Map<number, LoopSite>, edits: readonly TreeEdit[]): boolean {
  let shifted = [...previous.loops.keys()];
  for (const e of edits) {
    const delta = e.newEndIndex - e.oldEndIndex;
    const next: number[] = [];
    for (const s of shifted) {
      if (s >= e.oldEndIndex) next.push(s + delta);
      else if (s + 24 < e.startIndex) next.push(s);
    }
    shifted = next;
    // Rewrites touching an edit may legitimately change; drop them from the comparison below.
  }
  const lo = Math.min(...edits.map((e) => e.startIndex)) - 24;
  const hi = Math.max(...edits.map((e) => e.newEndIndex)) + 1;
  const outside = (s: number) => s < lo || s > hi;
  const a = shifted.filter(outside).sort((x, y) => x - y);
  const b = [...loops.keys()].filter(outside).sort((x, y) => x - y);
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

// Kernel annotations that tree-sitter would take for declarators (`static int __init f(void)`).
const ANNOTATIONS = [
  '__init', '__exit', '__cpuinit', '__cpuexit', '__meminit', '__memexit', '__devinit', '__devexit', '__ref', '__refdata',
  '__init_or_module', '__initdata', '__initconst', '__exitdata', '__cpuinitdata', '__read_mostly', '__ro_after_init',
  '__percpu', '__iomem', '__user', '__rcu', '__force', '__must_check', '__maybe_unused', '__used', '__always_inline',
  '__always_unused', '__cold', '__hot', '__noreturn', '__weak', '__visible', '__sched', '__kprobes', '__irq_entry',
  '__lockfunc', '__noinstr', 'noinstr', 'notrace', 'asmlinkage', 'noinline', '__noinline', '__flatten', '__pure',
  '__nocfi', '__noclone', '__attribute_const__', '__deprecated', '__latent_entropy', '__cpuidle', '__head',
  '__init_memblock', '__initdata_memblock', '__nosavedata', '__bitwise', '__kernel', '__nocast', '__noendbr',
  '__no_kcsan', '__no_sanitize_address', '__no_stack_protector', '__cacheline_aligned', '__cacheline_aligned_in_smp',
  '__page_aligned_data', '__page_aligned_bss', '__randomize_layout', '__packed', 'inline_for_stack', '__xen_cpuinit',
];
const ANNOTATIONS_WITH_ARGS = ['__acquires', '__releases', '__must_hold', '__section', '__printf', '__scanf', '__aligned', '__alias', '__cond_lock_never'];
const ANN_RE = new RegExp(`\\b(?:${ANNOTATIONS.join('|')})\\b|\\b(?:${ANNOTATIONS_WITH_ARGS.join('|')})\\s*\\(`, 'g');

/** Replaces kernel annotations with blanks (same length), so declarations parse as written. */
export function blankAnnotations(text: string): string {
  let out: string[] | undefined;
  let last = 0;
  ANN_RE.lastIndex = 0;
  for (let m = ANN_RE.exec(text); m; m = ANN_RE.exec(text)) {
    let end = m.index + m[0].length;
    if (m[0].endsWith('(')) {
      const close = matchParen(text, end - 1);
      if (close < 0) continue;
      end = close + 1;
    }
    (out ??= []).push(text.slice(last, m.index), text.slice(m.index, end).replace(/[^\n]/g, ' '));
    last = end;
    ANN_RE.lastIndex = end;
  }
  if (!out) return text;
  out.push(text.slice(last));
  return out.join('');
}

const MAX_SEGMENTS = 400;

/**
 * Re-parses erroneous top-level regions piece by piece, split after each column-0 `}` line, so that an error in
 * one function does not hide the next one. Returns trees over parts of the same text (same offsets).
 */
export function recoveryTrees(parsed: Parsed): Tree[] {
  const root = parsed.tree.rootNode;
  if (!root.hasError || parsed.truncated) return [];
  const text = parsed.parsedText;
  const out: Tree[] = [];
  let budget = MAX_SEGMENTS;
  const deadline = Date.now() + RECOVERY_LIMIT_MS;
  let lines: number[] | undefined;
  for (const top of root.children) {
    if (!top.hasError || top.type === 'function_definition') continue;
    const cuts = [top.startIndex];
    const re = /\n\}[^\n]*/g;
    re.lastIndex = top.startIndex;
    for (let m = re.exec(text); m && m.index < top.endIndex; m = re.exec(text)) cuts.push(m.index + m[0].length);
    cuts.push(top.endIndex);
    for (let i = 0; i + 1 < cuts.length && budget > 0 && Date.now() < deadline; i++) {
      const a = cuts[i];
      const b = Math.min(cuts[i + 1], top.endIndex);
      if (b - a < 4 || !/\{/.test(text.slice(a, b))) continue;
      budget--;
      const t = parseRange(text, (lines ??= lineStarts(text)), a, b, deadline);
      if (t) out.push(t);
    }
  }
  return out;
}

function pointAt(text: string, lines: number[], i: number): Parser.Point {
  let lo = 0;
  let hi = lines.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lines[mid] <= i) lo = mid;
    else hi = mid - 1;
  }
  return { row: lo, column: i - lines[lo] };
}

function lineStarts(text: string): number[] {
  const out = [0];
  for (let k = text.indexOf('\n'); k >= 0; k = text.indexOf('\n', k + 1)) out.push(k + 1);
  return out;
}

function parseRange(text: string, lines: number[], a: number, b: number, deadline: number): Tree | undefined {
  const p = getParser();
  parsedUnits += b - a;
  try {
    return p.parse(text, null, {
      includedRanges: [{ startIndex: a, endIndex: b, startPosition: pointAt(text, lines, a), endPosition: pointAt(text, lines, b) }],
      progressCallback: () => Date.now() > deadline,
    }) ?? undefined;
  } catch {
    p.reset();
    return undefined;
  }
}

/**
 * Nodes of the given types under `root` (root included), in document order, found with a tree cursor: no recursion,
 * and no node objects for the nodes skipped. Subtrees of `skip` types are not entered.
 */
export function findAll(root: SyntaxNode, types: ReadonlySet<string>, skip: ReadonlySet<string> = NO_SKIP): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  const c = root.walk();
  for (;;) {
    const t = c.nodeType;
    if (types.has(t)) out.push(c.currentNode);
    if (!skip.has(t) && c.gotoFirstChild()) continue;
    while (!c.gotoNextSibling()) {
      if (!c.gotoParent()) return out;
    }
  }
}

const NO_SKIP: ReadonlySet<string> = new Set(['comment', 'string_literal', 'char_literal', 'system_lib_string']);

/** Text of a node, from the original (not rewritten) text. */
export function nodeText(parsed: Parsed, n: SyntaxNode): string {
  return parsed.text.slice(n.startIndex, n.endIndex);
}
