// Per-function facts that do not depend on other functions: CFG, call sites, CPU identity, ops-table stores.
import type { Span } from './types';
import type { KnowledgeBase } from './kb/kb';
import { Parsed, SyntaxNode, recoveryTrees, findAll } from './parse';
import { buildCfg, Cfg, CfgBudgetExceeded, declaratorName, stripParens } from './cfg';
import { findSelfVars } from './cpu-identity';
import { CallSite, collectCallSites, spanOf } from './events';

export interface FnFacts {
  name: string;
  file: string;
  node: SyntaxNode;
  span: Span;
  nameSpan: Span;
  params: string[];
  returnsVoid: boolean;
  /** Declared `static`: invisible to other files. */
  isStatic: boolean;
  cfg: Cfg;
  calls: CallSite[];
  selfVars: Set<string>;
  /** Whether the function returns the call's result (directly, through a variable, or by failing early). Lazy. */
  returnsResult(callSite: number): boolean;
  /** Lazily computed: CFG nodes on every path from entry to exit. */
  mustNodes?: Set<number>;
  /** Set when building the facts failed (time, unexpected tree). */
  error?: string;
}

export interface FieldStore {
  field: string;
  target: string;
  file?: string;
}

export interface FileFacts {
  functions: FnFacts[];
  stores: FieldStore[];
}

const TOP_TYPES = new Set(['function_definition', 'initializer_pair', 'assignment_expression']);

/** Collects the functions of a parsed file and its ops-table stores. */
export function fileFacts(file: string, parsed: Parsed, kb: KnowledgeBase, budgetMs = 2000): FileFacts {
  const functions: FnFacts[] = [];
  const stores: FieldStore[] = [];
  // Erroneous top-level regions are read again from their piecewise re-parse, first.
  const recovered = recoveryTrees(parsed);
  const roots = [...recovered.map((t) => t.rootNode), parsed.tree.rootNode];
  const regions = recovered.map((t) => [t.rootNode.startIndex, t.rootNode.endIndex]);
  for (const root of roots) {
    const found = findAll(root, TOP_TYPES);
    const main = root === parsed.tree.rootNode;
    let lastEnd = -1;
    for (const n of found) {
      if (n.type === 'function_definition') {
        // Outer definitions come first in document order; nested ones are misparsed macro blocks.
        const start = n.startIndex;
        if (start < lastEnd) continue;
        if (main && regions.some(([a, b]) => start >= a && start < b)) continue;
        const f = functionFacts(file, n, parsed, kb, budgetMs);
        if (f) {
          lastEnd = f.span.end;
          functions.push(f);
        }
      } else {
        const st = storeOf(n);
        if (st && !stores.some((x) => x.field === st.field && x.target === st.target)) stores.push({ ...st, file });
      }
    }
  }
  functions.sort((a, b) => a.span.start - b.span.start);
  return { functions, stores };
}

function storeOf(n: SyntaxNode): FieldStore | undefined {
  if (n.type === 'initializer_pair') {
    const d = n.childrenForFieldName('designator');
    const last = d[d.length - 1];
    const v = n.childForFieldName('value');
    if (last?.type === 'field_designator' && v) {
      const t = functionRef(v);
      if (t) return { field: last.text.replace(/^\./, '').trim(), target: t };
    }
  } else if (n.child(1)?.type === '=') {
    const l = n.childForFieldName('left');
    const r = n.childForFieldName('right');
    if (l?.type === 'field_expression' && r) {
      const t = functionRef(r);
      const f = l.childForFieldName('field')?.text;
      if (t && f) return { field: f, target: t };
    }
  }
  return undefined;
}

function functionRef(v: SyntaxNode): string | undefined {
  let e = stripParens(v);
  if (e.type === 'pointer_expression' && e.child(0)?.type === '&') e = e.childForFieldName('argument') ?? e;
  return e.type === 'identifier' && !/^(NULL|true|false)$/.test(e.text) ? e.text : undefined;
}

function functionDeclarator(n: SyntaxNode): SyntaxNode | undefined {
  let cur: SyntaxNode | null = n.childForFieldName('declarator');
  for (let i = 0; cur && i < 20; i++) {
    if (cur.type === 'function_declarator') return cur;
    cur = cur.childForFieldName('declarator');
  }
  return undefined;
}

function functionFacts(file: string, n: SyntaxNode, parsed: Parsed, kb: KnowledgeBase, budgetMs: number): FnFacts | undefined {
  const deadline = Date.now() + budgetMs;
  const decl = functionDeclarator(n);
  const body = n.childForFieldName('body');
  if (!decl || !body) return undefined;
  const nameNode = decl.childForFieldName('declarator');
  if (!nameNode || nameNode.type !== 'identifier') return undefined;
  const params: string[] = [];
  for (const p of decl.childForFieldName('parameters')?.namedChildren ?? []) {
    if (p.type !== 'parameter_declaration') continue;
    const d = p.childForFieldName('declarator');
    params.push((d && declaratorName(d)) ?? '');
  }
  const type = n.childForFieldName('type')?.text ?? '';
  const pointerRet = n.childForFieldName('declarator')?.type === 'pointer_declarator';
  const returnsVoid = type === 'void' && !pointerRet;
  const lexicon = kb.lexicon;
  const selfVars = findSelfVars(n, params, lexicon);
  let cfg: Cfg;
  let calls: CallSite[];
  let error: string | undefined;
  try {
    cfg = buildCfg(body, { noReturn: new Set(lexicon.noReturn), noReturnIf: new Set(lexicon.noReturnIf), loops: parsed.loops, deadline });
    calls = collectCallSites(cfg, { lexicon, selfVars }, kb, deadline);
  } catch (e) {
    if (!(e instanceof CfgBudgetExceeded)) throw e;
    // Over budget: an empty function that the checks report as HP900.
    cfg = { nodes: [], entry: 0, exit: 1 };
    cfg.nodes.push({ id: 0, kind: 'entry', exprs: [], assigns: [], succ: [{ to: 1 }] }, { id: 1, kind: 'exit', exprs: [], assigns: [], succ: [] });
    calls = [];
    error = 'budget';
  }
  const f: FnFacts = {
    name: nameNode.text,
    file,
    node: n,
    span: spanOf(n),
    nameSpan: spanOf(nameNode),
    params,
    returnsVoid,
    isStatic: n.namedChildren.some((c) => c.type === 'storage_class_specifier' && c.text === 'static'),
    cfg,
    calls,
    selfVars,
    error,
    returnsResult: (id) => {
      if (returnsVoid || !calls[id]) return false;
      let v = memo.get(id);
      if (v === undefined) memo.set(id, (v = returnsItsResult(f, calls[id])));
      return v;
    },
  };
  const memo = new Map<number, boolean>();
  return f;
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
