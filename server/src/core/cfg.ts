// Per-function control-flow graph over statements. #if/#else branches are all possible paths.
import { SyntaxNode, LoopSite, findAll } from './parse';

export interface CfgEdge {
  to: number;
  /** For edges out of a condition node: the value of the condition on this edge. */
  branch?: boolean;
}

export interface CfgNode {
  id: number;
  kind: 'entry' | 'exit' | 'stmt' | 'cond' | 'join';
  /** Expressions evaluated here, in order (a condition, an expression, a declaration). */
  exprs: SyntaxNode[];
  /** The smallest enclosing statement (for spans). */
  stmt?: SyntaxNode;
  /** For 'cond' nodes: the condition expression. A `BUG_ON(x)` statement is a condition on x whose true edge ends. */
  cond?: SyntaxNode;
  /** Variables given a new value here (assignments, declarations, loop macros). */
  assigns: string[];
  /** The node is a `switch`; its edges go to the cases. */
  isSwitch?: boolean;
  succ: CfgEdge[];
}

export interface Cfg {
  nodes: CfgNode[];
  entry: number;
  exit: number;
}

export interface CfgOptions {
  /** Date.now() after which building gives up (throws CfgBudgetExceeded). */
  deadline?: number;
  noReturn: ReadonlySet<string>;
  noReturnIf: ReadonlySet<string>;
  loops: ReadonlyMap<number, LoopSite>;
}

type Pending = { from: number; branch?: boolean }[];

export class CfgBudgetExceeded extends Error {}

const MAX_DEPTH = 400;

/** Builds the CFG of a function_definition's body. */
export function buildCfg(body: SyntaxNode, opts: CfgOptions): Cfg {
  const b = new Builder(opts);
  const out = b.stmt(body, [{ from: b.entry }], 0);
  b.connect(out, b.exit);
  b.patchGotos();
  return { nodes: b.nodes, entry: b.entry, exit: b.exit };
}

class Builder {
  nodes: CfgNode[] = [];
  entry: number;
  exit: number;
  private breaks: Pending[] = [];
  private continues: Pending[] = [];
  private switches: { cases: { node: number; isDefault: boolean }[] }[] = [];
  private labels = new Map<string, number>();
  private gotos: { from: number; label: string }[] = [];

  constructor(private opts: CfgOptions) {
    this.entry = this.add('entry', []).id;
    this.exit = this.add('exit', []).id;
  }

  add(kind: CfgNode['kind'], exprs: SyntaxNode[], stmt?: SyntaxNode): CfgNode {
    const n: CfgNode = { id: this.nodes.length, kind, exprs, stmt, assigns: [], succ: [] };
    for (const e of exprs) collectAssigns(e, n.assigns);
    this.nodes.push(n);
    return n;
  }

  connect(p: Pending, to: number): void {
    for (const e of p) {
      const from = this.nodes[e.from];
      if (!from.succ.some((s) => s.to === to && s.branch === e.branch)) from.succ.push(e.branch === undefined ? { to } : { to, branch: e.branch });
    }
  }

  private simple(exprs: SyntaxNode[], stmt: SyntaxNode, inc: Pending): Pending {
    const n = this.add('stmt', exprs, stmt);
    this.connect(inc, n.id);
    return [{ from: n.id }];
  }

  private condNode(cond: SyntaxNode | null, stmt: SyntaxNode, inc: Pending): CfgNode {
    const n = this.add('cond', cond ? [cond] : [], stmt);
    n.cond = cond ?? undefined;
    this.connect(inc, n.id);
    return n;
  }

  /** Builds `s` with incoming edges `inc`; returns the edges that leave it normally. */
  private ticks = 0;

  stmt(s: SyntaxNode, inc: Pending, depth: number): Pending {
    if ((++this.ticks & 127) === 0 && this.opts.deadline && Date.now() > this.opts.deadline) throw new CfgBudgetExceeded();
    if (!inc.length && !isLabelled(s)) {
      // Unreachable code still matters for labels inside it (goto targets), so keep going only for blocks.
      if (!['compound_statement', 'labeled_statement', 'case_statement', 'preproc_if', 'preproc_ifdef', 'ERROR'].includes(s.type)) return [];
    }
    if (depth > MAX_DEPTH) return this.simple([s], s, inc);
    switch (s.type) {
      case 'compound_statement':
      case 'translation_unit':
      case 'ERROR': {
        let cur = inc;
        for (const c of s.namedChildren) cur = this.stmt(c, cur, depth + 1);
        return cur;
      }
      case 'expression_statement':
        return this.exprStmt(s, inc);
      case 'declaration':
        return this.simple([s], s, inc);
      case 'if_statement': {
        const c = this.condNode(s.childForFieldName('condition'), s, inc);
        const k = constValue(c.cond);
        const t = this.stmt(s.childForFieldName('consequence')!, k === false ? [] : [{ from: c.id, branch: true }], depth + 1);
        const alt = s.childForFieldName('alternative');
        const fIn: Pending = k === true ? [] : [{ from: c.id, branch: false }];
        const f = alt ? this.stmt(alt, fIn, depth + 1) : fIn;
        return [...t, ...f];
      }
      case 'else_clause': {
        const body = s.namedChildren.find((x) => x.type !== 'comment');
        return body ? this.stmt(body, inc, depth + 1) : inc;
      }
      case 'while_statement': {
        const c = this.condNode(s.childForFieldName('condition'), s, inc);
        const loop = this.opts.loops.get(s.startIndex);
        if (loop && loop.variable) c.assigns.push(loop.variable);
        const k = loop ? undefined : constValue(c.cond);
        this.breaks.push([]);
        this.continues.push([]);
        const body = this.stmt(s.childForFieldName('body')!, k === false ? [] : [{ from: c.id, branch: true }], depth + 1);
        this.connect([...body, ...this.continues.pop()!], c.id);
        return [...(k === true ? [] : [{ from: c.id, branch: false }]), ...this.breaks.pop()!];
      }
      case 'do_statement': {
        const head = this.add('join', [], s);
        this.connect(inc, head.id);
        this.breaks.push([]);
        this.continues.push([]);
        const body = this.stmt(s.childForFieldName('body')!, [{ from: head.id }], depth + 1);
        const c = this.condNode(s.childForFieldName('condition'), s, [...body, ...this.continues.pop()!]);
        const k = constValue(c.cond);
        if (k !== false) this.connect([{ from: c.id, branch: true }], head.id);
        return [...(k === true ? [] : [{ from: c.id, branch: false }]), ...this.breaks.pop()!];
      }
      case 'for_statement': {
        let cur = inc;
        const init = s.childForFieldName('initializer');
        if (init) cur = this.simple([init], s, cur);
        const condExpr = s.childForFieldName('condition');
        const c = this.condNode(condExpr, s, cur);
        const k = condExpr ? constValue(condExpr) : true;
        this.breaks.push([]);
        this.continues.push([]);
        const body = this.stmt(s.childForFieldName('body')!, k === false ? [] : [{ from: c.id, branch: true }], depth + 1);
        let back: Pending = [...body, ...this.continues.pop()!];
        const upd = s.childrenForFieldName('update').filter((x) => x.isNamed);
        if (upd.length) back = this.simple(upd, s, back);
        this.connect(back, c.id);
        return [...(k === true ? [] : [{ from: c.id, branch: false }]), ...this.breaks.pop()!];
      }
      case 'switch_statement': {
        const c = this.condNode(s.childForFieldName('condition'), s, inc);
        c.isSwitch = true;
        this.switches.push({ cases: [] });
        this.breaks.push([]);
        const end = this.stmt(s.childForFieldName('body')!, [], depth + 1);
        const sw = this.switches.pop()!;
        for (const k of sw.cases) this.connect([{ from: c.id }], k.node);
        const out: Pending = [...end, ...this.breaks.pop()!];
        if (!sw.cases.some((k) => k.isDefault)) out.push({ from: c.id });
        return out;
      }
      case 'case_statement': {
        const j = this.add('join', [], s);
        this.connect(inc, j.id);
        const sw = this.switches[this.switches.length - 1];
        if (sw) sw.cases.push({ node: j.id, isDefault: s.children[0]?.type === 'default' });
        let cur: Pending = [{ from: j.id }];
        const value = s.childForFieldName('value');
        for (const c of s.namedChildren) if (!value || c.id !== value.id) cur = this.stmt(c, cur, depth + 1);
        return cur;
      }
      case 'break_statement': {
        const t = this.breaks[this.breaks.length - 1];
        if (t) t.push(...inc);
        return [];
      }
      case 'continue_statement': {
        const t = this.continues[this.continues.length - 1];
        if (t) t.push(...inc);
        return [];
      }
      case 'return_statement': {
        const e = s.namedChildren.filter((x) => x.type !== 'comment');
        const n = this.add('stmt', e, s);
        this.connect(inc, n.id);
        this.connect([{ from: n.id }], this.exit);
        return [];
      }
      case 'goto_statement': {
        const n = this.add('stmt', [], s);
        this.connect(inc, n.id);
        const label = s.childForFieldName('label');
        if (label) this.gotos.push({ from: n.id, label: label.text });
        return [];
      }
      case 'labeled_statement': {
        const name = s.childForFieldName('label')?.text ?? '';
        const j = this.labelNode(name, s);
        this.connect(inc, j);
        let cur: Pending = [{ from: j }];
        for (const c of s.namedChildren) if (c.type !== 'statement_identifier') cur = this.stmt(c, cur, depth + 1);
        return cur;
      }
      case 'preproc_if':
      case 'preproc_ifdef':
      case 'preproc_elif':
      case 'preproc_elifdef':
      case 'preproc_else': {
        // Every branch is a possible path; without #else, skipping the block is one too.
        const cond = s.childForFieldName('condition');
        const name = s.childForFieldName('name');
        const alt = s.childForFieldName('alternative');
        let cur = inc;
        for (const c of s.namedChildren) {
          if ((cond && c.id === cond.id) || (name && c.id === name.id) || (alt && c.id === alt.id)) continue;
          cur = this.stmt(c, cur, depth + 1);
        }
        if (s.type === 'preproc_else') return cur;
        const other = alt ? this.stmt(alt, inc, depth + 1) : inc;
        return [...cur, ...other];
      }
      case 'function_definition': {
        // A misparsed macro block inside a body: `MACRO(x) { ... }`.
        const body = s.childForFieldName('body');
        return body ? this.stmt(body, inc, depth + 1) : inc;
      }
      case 'comment':
      case 'preproc_call':
      case 'preproc_def':
      case 'preproc_function_def':
      case 'preproc_include':
      case 'type_definition':
      case 'struct_specifier':
      case ';':
        return inc;
      default:
        if (s.type.endsWith('_statement')) return this.simple(s.namedChildren, s, inc);
        if (s.isNamed) return this.simple([s], s, inc);
        return inc;
    }
  }

  private exprStmt(s: SyntaxNode, inc: Pending): Pending {
    const e = s.namedChildren.find((x) => x.type !== 'comment');
    if (!e) return inc;
    const call = stripParens(e);
    if (call.type === 'call_expression') {
      const fn = call.childForFieldName('function');
      const name = fn?.type === 'identifier' ? fn.text : '';
      if (this.opts.noReturn.has(name)) {
        const n = this.add('stmt', [e], s);
        this.connect(inc, n.id);
        return [];
      }
      if (this.opts.noReturnIf.has(name)) {
        const arg = call.childForFieldName('arguments')?.namedChildren.find((x) => x.type !== 'comment');
        const n = this.add('cond', [e], s);
        n.cond = arg;
        this.connect(inc, n.id);
        return constValue(arg) === true ? [] : [{ from: n.id, branch: false }];
      }
    }
    return this.simple([e], s, inc);
  }

  private labelNode(name: string, s: SyntaxNode): number {
    let id = this.labels.get(name);
    if (id === undefined) {
      id = this.add('join', [], s).id;
      this.labels.set(name, id);
    } else if (!this.nodes[id].stmt) this.nodes[id].stmt = s;
    return id;
  }

  patchGotos(): void {
    for (const g of this.gotos) {
      const to = this.labels.get(g.label);
      // An unknown label (macro-generated) ends the path like a return would.
      this.connect([{ from: g.from }], to ?? this.exit);
    }
  }
}

function isLabelled(s: SyntaxNode): boolean {
  return s.type === 'labeled_statement' || s.type === 'case_statement';
}

export function stripParens(n: SyntaxNode): SyntaxNode {
  let cur = n;
  for (let i = 0; i < 100 && (cur.type === 'parenthesized_expression' || cur.type === 'cast_expression'); i++) {
    const inner = cur.type === 'cast_expression' ? cur.childForFieldName('value') : cur.namedChildren.find((x) => x.type !== 'comment');
    if (!inner) break;
    cur = inner;
  }
  return cur;
}

/** true/false for constant conditions (`while (1)`, `do { } while (0)`), else undefined. */
export function constValue(n: SyntaxNode | null | undefined): boolean | undefined {
  if (!n) return undefined;
  const e = stripParens(n);
  if (e.type === 'number_literal') return !/^0+[uUlL]*$/.test(e.text) && !/^0x0+$/i.test(e.text) ? true : false;
  if (e.type === 'true') return true;
  if (e.type === 'false') return false;
  return undefined;
}

const ASSIGN_TYPES = new Set(['assignment_expression', 'update_expression', 'init_declarator', 'declaration']);

/** Variables assigned in an expression or declaration. */
export function collectAssigns(root: SyntaxNode, out: string[]): void {
  const text = root.text;
  if (!/=|\+\+|--/.test(text) && root.type !== 'declaration') return;
  for (const n of findAll(root, ASSIGN_TYPES)) {
    let id: string | undefined;
    if (n.type === 'assignment_expression') {
      const l = n.childForFieldName('left');
      id = l ? baseIdentifier(l) : undefined;
    } else if (n.type === 'update_expression') {
      const a = n.childForFieldName('argument');
      id = a ? baseIdentifier(a) : undefined;
    } else if (n.type === 'init_declarator') {
      const d = n.childForFieldName('declarator');
      id = d ? declaratorName(d) : undefined;
    } else {
      for (const c of n.childrenForFieldName('declarator')) if (c.type === 'identifier' && !out.includes(c.text)) out.push(c.text);
    }
    if (id && !out.includes(id)) out.push(id);
  }
}

/** `x` for `x`, but not for `x->f` or `a[i]`: only plain variables count. */
function baseIdentifier(n: SyntaxNode): string | undefined {
  const e = stripParens(n);
  return e.type === 'identifier' ? e.text : undefined;
}

export function declaratorName(d: SyntaxNode): string | undefined {
  let cur: SyntaxNode | null = d;
  for (let i = 0; cur && i < 50; i++) {
    if (cur.type === 'identifier' || cur.type === 'field_identifier') return cur.text;
    cur = cur.childForFieldName('declarator') ?? cur.namedChildren.find((x) => x.type.endsWith('declarator') || x.type === 'identifier') ?? null;
  }
  return undefined;
}
