// Per-function facts that do not depend on other functions: CFG, call sites, CPU identity, ops-table stores.
import type { Span } from './types';
import type { KnowledgeBase } from './kb/kb';
import { Parsed, SyntaxNode, recoveryTrees, findAll, parseText } from './parse';
import { buildCfg, Cfg, CfgBudgetExceeded, declaratorName, stripParens } from './cfg';
import { findSelfVars } from './cpu-identity';
import { CallSite, collectCallSites, spanOf, type SummaryEffect } from './events';

export interface FnFacts {
  name: string;
  file: string;
  node: SyntaxNode;
  span: Span;
  nameSpan: Span;
  readonly params: string[];
  readonly returnsVoid: boolean;
  /** Declared `static`: invisible to other files. */
  readonly isStatic: boolean;
  /** Names called in the body, and fields called through (`x->f(`), from its text: a cheap superset. */
  calledNames: ReadonlySet<string>;
  calledFields: ReadonlySet<string>;
  /** Built on first use. */
  readonly cfg: Cfg;
  readonly calls: CallSite[];
  readonly selfVars: Set<string>;
  /** Whether the function returns the call's result (directly, through a variable, or by failing early). Lazy. */
  returnsResult(callSite: number): boolean;
  /** Lazily computed: CFG nodes on every path from entry to exit. */
  mustNodes?: Set<number>;
  /** 'budget' when building the CFG ran out of time (read after `calls`). */
  readonly error?: string;
  /** A function-like macro read as a function: it has a summary, but no findings of its own. */
  synthetic?: boolean;
  /** File, name and exact text: equal keys have equal facts up to a shift of position. */
  key: string;
  /** Kept from an earlier analysis without its parse (core/frozen.ts): its own summary, never recomputed. */
  readonly frozen?: { effects: SummaryEffect[]; error?: string };
}

export interface FieldStore {
  field: string;
  target: string;
  file?: string;
}

export interface FileFacts {
  functions: FnFacts[];
  stores: FieldStore[];
  /** The parsed text, to find the functions an edit left alone (see fileFacts). */
  text?: string;
  /** Definitions whose facts could not be read (internal errors): the project reports them as HP900. */
  errors?: { span: Span; message: string }[];
}

const FN = new Set(['function_definition']);
// Function definitions sit at the top level, in preprocessor blocks, or in ERROR nodes: do not enter the rest.
const NOT_INTO = new Set(['function_definition', 'declaration', 'type_definition', 'struct_specifier', 'enum_specifier', 'union_specifier', 'comment', 'string_literal', 'preproc_def', 'preproc_function_def', 'preproc_include', 'preproc_call', 'expression_statement']);

/**
 * Collects the functions of a parsed file and its ops-table stores. With `previous` (the facts of an earlier
 * version of the same file), a function whose text and start column did not change reuses its text-derived facts
 * (name, called names, header) with shifted positions; its node, CFG and call sites are rebuilt from the new tree
 * only when read. That keeps an edit's cost proportional to the functions it changed.
 */
export function fileFacts(file: string, parsed: Parsed, kb: KnowledgeBase, budgetMs = 2000, previous?: FileFacts): FileFacts {
  const functions: FnFacts[] = [];
  const text = parsed.parsedText;
  // Previous functions by start: an unchanged one is at the same offset (before the edit) or shifted by the
  // change in length (after it). Others are found by their text, through a map built only if several miss.
  const byStart = new Map<number, FnFacts>();
  if (previous) for (const f of previous.functions) if (f instanceof DefFacts) byStart.set(f.span.start, f);
  const oldText = previous?.text ?? '';
  const delta = text.length - oldText.length;
  // Text the edit left alone: a common prefix, and a common suffix (shifted by `delta`).
  const prefix = previous?.text === undefined ? 0 : commonPrefix(oldText, text);
  const suffixStart = previous?.text === undefined ? text.length : text.length - commonSuffix(oldText, text, prefix);
  let byText: Map<string, FnFacts> | undefined;
  let misses = 0;
  let errors: FileFacts['errors'];
  const same = (f: FnFacts | undefined, start: number, end: number, col: number): f is DefFacts => {
    if (!(f instanceof DefFacts) || f.span.startCol !== col || f.sh.text.length !== end - start) return false;
    return (end <= prefix && f.span.start === start) || (start >= suffixStart && f.span.start + delta === start) || text.startsWith(f.sh.text, start);
  };
  const reused = (start: number, end: number, col: number): DefFacts | undefined => {
    if (!previous) return undefined;
    let f = byStart.get(start);
    if (same(f, start, end, col)) return f;
    f = byStart.get(start - delta);
    if (same(f, start, end, col)) return f;
    if (++misses <= 2) return undefined;
    if (!byText) {
      byText = new Map();
      for (const g of previous.functions) if (g instanceof DefFacts) byText.set(g.sh.text, g);
    }
    f = byText.get(text.slice(start, end));
    return same(f, start, end, col) ? f : undefined;
  };
  // Erroneous top-level regions are read again from their piecewise re-parse, first.
  const recovered = recoveryTrees(parsed);
  // (rootNode is a new object on each access: keep one.)
  const mainRoot = parsed.tree.rootNode;
  const roots = [...recovered.map((t) => t.rootNode), mainRoot];
  const regions = recovered.map((t) => [t.rootNode.startIndex, t.rootNode.endIndex]);
  for (const root of roots) {
    const main = root === mainRoot;
    let lastEnd = -1;
    // The walk of findAll(root, FN, NOT_INTO), reading positions from the cursor: a reused function needs no node.
    const c = root.walk();
    for (;;) {
      const t = c.nodeType;
      if (FN.has(t)) {
        // Outer definitions come first in document order; nested ones are misparsed macro blocks.
        const start = c.startIndex;
        if (start >= lastEnd && !(main && regions.some(([a, b]) => start >= a && start < b))) {
          const end = c.endIndex;
          const pos = c.startPosition;
          try {
            const old = reused(start, end, pos.column);
            const f = old ? shifted(old, start, pos.row, root, parsed, kb, budgetMs) : functionFacts(file, c.currentNode, parsed, kb, budgetMs);
            if (f) {
              lastEnd = f.span.end;
              functions.push(f);
            }
          } catch (e) {
            // One definition that cannot be read must not hide the others.
            const endPos = c.endPosition;
            (errors ??= []).push({ span: { start, end, startLine: pos.row, startCol: pos.column, endLine: endPos.row, endCol: endPos.column }, message: e instanceof Error ? e.message : String(e) });
            lastEnd = end;
          }
        }
      }
      if (!NOT_INTO.has(t) && c.gotoFirstChild()) continue;
      let up = true;
      while (up && !c.gotoNextSibling()) up = c.gotoParent();
      if (!up) break;
    }
  }
  functions.sort((a, b) => a.span.start - b.span.start);
  functions.push(...macroFunctions(file, parsed, kb, budgetMs));
  return { functions, stores: storesOf(file, text), text, errors };
}

const CHUNK = 4096;

/** Length of the common prefix of a and b (string equality of chunks is a native compare). */
function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i + CHUNK <= n && a.slice(i, i + CHUNK) === b.slice(i, i + CHUNK)) i += CHUNK;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** Length of the common suffix of a and b, not reaching into the first `skip` characters of either. */
function commonSuffix(a: string, b: string, skip: number): number {
  const n = Math.min(a.length, b.length) - skip;
  let i = 0;
  while (i + CHUNK <= n && a.slice(a.length - i - CHUNK, a.length - i) === b.slice(b.length - i - CHUNK, b.length - i)) i += CHUNK;
  while (i < n && a.charCodeAt(a.length - 1 - i) === b.charCodeAt(b.length - 1 - i)) i++;
  return i;
}

/** Text-derived facts of a function definition, shared by the facts of every version where its text is the same. */
interface Shared {
  /** The definition's parsed text. */
  text: string;
  name: string;
  /** The name's offset and line from the definition's start; its column (the start column being the same). */
  nameOff: number;
  nameLine: number;
  nameCol: number;
  calledNames: Set<string>;
  calledFields: Set<string>;
  /** Declared `static` (from the header text, so that facts of an old tree never need their node). */
  isStatic: boolean;
  header?: { params: string[]; returnsVoid: boolean };
}

/** The facts of `old`'s text at `start` in the new tree (same start column). */
function shifted(old: DefFacts, start: number, row: number, root: SyntaxNode, parsed: Parsed, kb: KnowledgeBase, budgetMs: number): FnFacts {
  const sh = old.sh;
  const end = start + sh.text.length;
  const dLine = row - old.span.startLine;
  const span: Span = { start, end, startLine: row, startCol: old.span.startCol, endLine: old.span.endLine + dLine, endCol: old.span.endCol };
  const nodeOf = () => {
    let n: SyntaxNode | null = root.descendantForIndex(start, end);
    while (n && !(n.type === 'function_definition' && n.startIndex === start && n.endIndex === end)) n = n.parent;
    return n ?? findAll(root, FN, NOT_INTO).find((x) => x.startIndex === start)!;
  };
  return makeFacts(old.file, sh, span, nodeOf, parsed, kb, budgetMs, old.key);
}
// `#define NAME(a, b) body`, with line continuations.
const MACRO_RE = /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)\(([^)\n]*)\)((?:[^\n\\]|\\[^])*)/gm;

/**
 * Function-like macros whose body makes calls, read as functions so that `#define BOOT(c) native_cpu_up(c, NULL)`
 * summarises like a wrapper. Parsed only when the summaries need them (the relevance fixpoint).
 */
function macroFunctions(file: string, parsed: Parsed, kb: KnowledgeBase, budgetMs: number): FnFacts[] {
  const out: FnFacts[] = [];
  const text = parsed.parsedText;
  if (!text.includes('define')) return out;
  MACRO_RE.lastIndex = 0;
  for (let m = MACRO_RE.exec(text); m; m = MACRO_RE.exec(text)) {
    const [whole, name, paramText, rawBody] = m;
    const body = rawBody.replace(/\\\r?\n/g, ' ').replace(/\/\*[^]*?\*\/|\/\/.*$/g, ' ').trim();
    if (!body.includes('(') || kb.forFunction(name).length) continue;
    const params = paramText.split(',').map((p) => p.trim()).filter((p) => /^[A-Za-z_]\w*$/.test(p));
    const expression = !body.includes(';') && !/^(do|if|for|while|switch)\b/.test(body);
    const synth = `${expression ? 'long' : 'void'} ${name}(${params.map((p) => `long ${p}`).join(', ')})\n{\n\t${expression ? `return ${body};` : `${body};`}\n}\n`;
    const start = m.index + whole.indexOf(name, whole.indexOf('define'));
    const line = text.slice(0, start).split('\n').length - 1;
    const col = start - (text.lastIndexOf('\n', start - 1) + 1);
    const nameSpan: Span = { start, end: start + name.length, startLine: line, startCol: col, endLine: line, endCol: col + name.length };
    let inner: FnFacts | undefined;
    const real = () => {
      if (inner) return inner;
      const p = parseText(synth, kb.lexicon.loopMacroPrefixes);
      const n = findAll(p.tree.rootNode, FN, NOT_INTO)[0];
      inner = (n && functionFacts(file, n, p, kb, budgetMs)) || undefined;
      if (!inner) {
        // A body that does not parse as C: a function without effects.
        const q = parseText('void m(void)\n{\n}\n', []);
        inner = functionFacts(file, findAll(q.tree.rootNode, FN, NOT_INTO)[0], q, kb, budgetMs)!;
      }
      return inner;
    };
    const calledNames = new Set<string>();
    const calledFields = new Set<string>();
    CALL_RE.lastIndex = 0;
    for (let c = CALL_RE.exec(body); c; c = CALL_RE.exec(body)) (c[1] ? calledFields : calledNames).add(c[2]);
    calledNames.delete(name);
    out.push({
      name,
      file,
      key: `${file}\0#${name}\0${synth}`,
      get node() {
        return real().node;
      },
      span: { ...nameSpan, start: m.index, end: m.index + whole.length },
      nameSpan,
      params,
      returnsVoid: !expression,
      isStatic: true,
      calledNames,
      calledFields,
      get cfg() {
        return real().cfg;
      },
      get calls() {
        return real().calls;
      },
      get selfVars() {
        return real().selfVars;
      },
      get error() {
        return inner?.error;
      },
      returnsResult: (id) => real().returnsResult(id),
      synthetic: true,
    });
  }
  return out;
}

// `.field = fn,` in initialisers and `x.field = fn;` / `x->field = &fn;` in code.
const STORE_RE = /(?:\.|->)\s*([A-Za-z_]\w*)\s*=\s*&?\s*([A-Za-z_]\w*)\s*(?=[,;}\n]|\/[*/])/g;

/** Ops-table stores, from the text (a superset: a store of a non-function is never resolved). */
export function storesOf(file: string, text: string): FieldStore[] {
  const out: FieldStore[] = [];
  const seen = new Set<string>();
  STORE_RE.lastIndex = 0;
  for (let m = STORE_RE.exec(text); m; m = STORE_RE.exec(text)) {
    const [, field, target] = m;
    if (/^(NULL|true|false)$/.test(target)) continue;
    const k = `${field}=${target}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push({ field, target, file });
  }
  return out;
}

function functionDeclarator(n: SyntaxNode): SyntaxNode | undefined {
  let cur: SyntaxNode | null = n.childForFieldName('declarator');
  for (let i = 0; cur && i < 20; i++) {
    if (cur.type === 'function_declarator') return cur;
    cur = cur.childForFieldName('declarator');
  }
  return undefined;
}

const CALL_RE = /(?:(->|\.)\s*)?\b([A-Za-z_]\w*)\s*\(/g;

// The name right before the parameter list at the end of a definition's header: `static int __init foo(void)`.
const HEADER_NAME_RE = /([A-Za-z_]\w*)\s*\((?:[^()]|\([^()]*\))*\)\s*$/;

function functionFacts(file: string, n: SyntaxNode, parsed: Parsed, kb: KnowledgeBase, budgetMs: number): FnFacts | undefined {
  const body = n.childForFieldName('body');
  if (!body) return undefined;
  const header = parsed.parsedText.slice(n.startIndex, body.startIndex);
  const hm = HEADER_NAME_RE.exec(header.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (c) => ' '.repeat(c.length)));
  let name: string;
  let nameSpan: Span;
  let decl: SyntaxNode | undefined;
  if (hm && !/^(if|while|for|switch|return|sizeof)$/.test(hm[1])) {
    name = hm[1];
    const start = n.startIndex + hm.index;
    const pre = parsed.parsedText.slice(0, start);
    const line = n.startPosition.row + (header.slice(0, hm.index).match(/\n/g)?.length ?? 0);
    const col = start - (pre.lastIndexOf('\n') + 1);
    nameSpan = { start, end: start + name.length, startLine: line, startCol: col, endLine: line, endCol: col + name.length };
  } else {
    decl = functionDeclarator(n);
    const nameNode = decl?.childForFieldName('declarator');
    if (!nameNode || nameNode.type !== 'identifier') return undefined;
    name = nameNode.text;
    nameSpan = spanOf(nameNode);
  }
  const calledNames = new Set<string>();
  const calledFields = new Set<string>();
  const bodyText = parsed.parsedText.slice(body.startIndex, body.endIndex);
  CALL_RE.lastIndex = 0;
  for (let m = CALL_RE.exec(bodyText); m; m = CALL_RE.exec(bodyText)) (m[1] ? calledFields : calledNames).add(m[2]);
  const span = spanOf(n);
  const sh: Shared = {
    text: parsed.parsedText.slice(n.startIndex, n.endIndex),
    name,
    nameOff: nameSpan.start - span.start,
    nameLine: nameSpan.startLine - span.startLine,
    nameCol: nameSpan.startCol,
    calledNames,
    calledFields,
    isStatic: /(^|\s)static\s/.test(header),
  };
  return makeFacts(file, sh, span, () => n, parsed, kb, budgetMs);
}

/** Facts of a definition from its shared text facts, its position, and its node in the current tree (read lazily). */
function makeFacts(file: string, sh: Shared, span: Span, nodeOf: () => SyntaxNode, parsed: Parsed, kb: KnowledgeBase, budgetMs: number, key?: string): FnFacts {
  // The same key string as the old facts: its hash is already computed for the maps keyed by it.
  return new DefFacts(file, sh, span, nodeOf, parsed, kb, budgetMs, key);
}

// A class rather than an object literal with getters: one is made per function per edit.
class DefFacts implements FnFacts {
  readonly name: string;
  readonly key: string;
  readonly nameSpan: Span;
  readonly calledNames: ReadonlySet<string>;
  readonly calledFields: ReadonlySet<string>;
  mustNodes?: Set<number>;
  private node_?: SyntaxNode;
  private built?: { cfg: Cfg; calls: CallSite[]; selfVars: Set<string>; error?: string };
  private memo?: Map<number, boolean>;

  constructor(
    readonly file: string,
    readonly sh: Shared,
    readonly span: Span,
    private nodeOf: (() => SyntaxNode) | undefined,
    private readonly parsed: Parsed,
    private readonly kb: KnowledgeBase,
    private readonly budgetMs: number,
    key?: string,
  ) {
    this.name = sh.name;
    this.key = key ?? `${file}\0${sh.name}\0${sh.text}`;
    const start = span.start + sh.nameOff;
    const line = span.startLine + sh.nameLine;
    this.nameSpan = { start, end: start + sh.name.length, startLine: line, startCol: sh.nameCol, endLine: line, endCol: sh.nameCol + sh.name.length };
    this.calledNames = sh.calledNames;
    this.calledFields = sh.calledFields;
  }

  get node(): SyntaxNode {
    if (!this.node_) {
      this.node_ = this.nodeOf!();
      this.nodeOf = undefined;
    }
    return this.node_;
  }

  private header(): NonNullable<Shared['header']> {
    const sh = this.sh;
    if (sh.header) return sh.header;
    const n = this.node;
    const d = functionDeclarator(n);
    const params: string[] = [];
    for (const p of d?.childForFieldName('parameters')?.namedChildren ?? []) {
      if (p.type !== 'parameter_declaration') continue;
      const pd = p.childForFieldName('declarator');
      params.push((pd && declaratorName(pd)) ?? '');
    }
    const type = n.childForFieldName('type')?.text ?? '';
    const pointerRet = n.childForFieldName('declarator')?.type === 'pointer_declarator';
    return (sh.header = { params, returnsVoid: type === 'void' && !pointerRet });
  }

  get params(): string[] {
    return this.header().params;
  }

  get returnsVoid(): boolean {
    return this.header().returnsVoid;
  }

  get isStatic(): boolean {
    return this.sh.isStatic;
  }

  private build(): NonNullable<DefFacts['built']> {
    if (this.built) return this.built;
    const n = this.node;
    const body = n.childForFieldName('body')!;
    const lexicon = this.kb.lexicon;
    const deadline = Date.now() + this.budgetMs;
    const selfVars = findSelfVars(n, this.params, lexicon);
    try {
      const cfg = buildCfg(body, { noReturn: new Set(lexicon.noReturn), noReturnIf: new Set(lexicon.noReturnIf), loops: this.parsed.loops, deadline });
      this.built = { cfg, calls: collectCallSites(cfg, { lexicon, selfVars }, this.kb, deadline), selfVars };
    } catch (e) {
      if (!(e instanceof CfgBudgetExceeded)) throw e;
      // Over budget: an empty function that the checks report as HP900.
      const cfg: Cfg = { nodes: [], entry: 0, exit: 1 };
      cfg.nodes.push({ id: 0, kind: 'entry', exprs: [], assigns: [], succ: [{ to: 1 }] }, { id: 1, kind: 'exit', exprs: [], assigns: [], succ: [] });
      this.built = { cfg, calls: [], selfVars, error: 'budget' };
    }
    return this.built;
  }

  get cfg(): Cfg {
    return this.build().cfg;
  }

  get calls(): CallSite[] {
    return this.build().calls;
  }

  get selfVars(): Set<string> {
    return this.build().selfVars;
  }

  get error(): string | undefined {
    return this.built?.error;
  }

  returnsResult(id: number): boolean {
    const calls = this.build().calls;
    if (this.returnsVoid || !calls[id]) return false;
    const memo = (this.memo ??= new Map());
    let v = memo.get(id);
    if (v === undefined) memo.set(id, (v = returnsItsResult(this, calls[id])));
    return v;
  }
}

/** The call's result reaches a return: `return f()`, `rc = f(); ... return rc;`, or `if (f()) return ...;`. */
function returnsItsResult(f: FnFacts, c: CallSite): boolean {
  const u = c.use;
  if (u.kind === 'returned') return true;
  const name = u.kind === 'var' || u.kind === 'cond' ? u.name : undefined;
  if (name) {
    const re = new RegExp(`\\b${name}\\b`);
    for (const n of f.cfg.nodes) {
      if (n.stmt?.type !== 'return_statement') continue;
      if (n.exprs.some((e) => re.test(e.text))) return true;
    }
  }
  if (u.kind === 'cond' || name) {
    // Failing early: a branch on the result whose body returns or jumps.
    for (const n of f.cfg.nodes) {
      if (n.kind !== 'cond' || !n.cond || !n.stmt || n.stmt.type !== 'if_statement') continue;
      const mentions = (u.kind === 'cond' && n.id === c.cfgNode) || (name && new RegExp(`\\b${name}\\b`).test(n.cond.text));
      if (!mentions) continue;
      const body = n.stmt.childForFieldName('consequence')?.text ?? '';
      if (/\b(return|goto)\b/.test(body)) return true;
    }
  }
  return false;
}

/** CFG nodes that every entry-to-exit path passes through. */
export function mustNodes(f: FnFacts): Set<number> {
  if (f.mustNodes) return f.mustNodes;
  const { nodes, entry, exit } = f.cfg;
  const must = new Set<number>();
  const candidates = new Set(f.calls.map((c) => c.cfgNode));
  if (nodes.length > 4000) return (f.mustNodes = must);
  for (const skip of candidates) {
    const seen = new Uint8Array(nodes.length);
    const stack = [entry];
    seen[entry] = 1;
    let reached = false;
    while (stack.length && !reached) {
      const id = stack.pop()!;
      for (const e of nodes[id].succ) {
        if (e.to === skip || seen[e.to]) continue;
        if (e.to === exit) reached = true;
        seen[e.to] = 1;
        stack.push(e.to);
      }
    }
    if (!reached) must.add(skip);
  }
  return (f.mustNodes = must);
}
