// Role-bearing calls of each CFG node, in evaluation order (arguments before the call, left to right).
import type { Event, KbEntry, Span } from './types';
import type { KnowledgeBase } from './kb/kb';
import type { SyntaxNode } from './parse';
import type { Cfg } from './cfg';
import { stripParens } from './cfg';
import { argNodes, cpuKey, CpuContext, normaliseText, SELF } from './cpu-identity';

/** How the value of a call is used (for the set-up status, HP002). */
export type ResultUse =
  | { kind: 'ignored' }           // statement, or only WARN_ON()/print as a statement
  | { kind: 'var'; name: string } // stored in a variable
  | { kind: 'cond'; name?: string } // tested by the condition of its CFG node (maybe stored as well)
  | { kind: 'returned' }
  | { kind: 'checked' };          // used in some other way: assume it is handled

export interface CallSite {
  id: number;
  node: SyntaxNode;
  cfgNode: number;
  stmt: SyntaxNode;
  /** Callee as written: `f`, `ops->cpu_up`, `smp_ops.cpu_up`. */
  callee: string;
  name?: string;
  object?: string;
  field?: string;
  args: SyntaxNode[];
  argKeys: string[];
  use: ResultUse;
}

/** One effect of a function on a CPU, as seen by its callers. */
export interface SummaryEffect {
  role: Event['role'];
  /** Parameter index, or 'self' for the CPU running the function. */
  cpu: number | 'self';
  /** Call chain from the function's call site down to the KB function. */
  via: string[];
  entry: KbEntry;
  /** The function returns a value derived from this set-up's result. */
  returnsStatus?: boolean;
  guarded?: boolean;
  vectors?: string[];
  /** Happens on some paths only. */
  may?: boolean;
}

/** An event with the flags the checks need. */
export interface CoreEvent extends Event {
  returnsStatus?: boolean;
  guarded?: boolean;
  may?: boolean;
  /** Position of the call site in the function, for ordering. */
  order: number;
}

export interface Resolver {
  kb: KnowledgeBase;
  /** Summary of a function defined in the project, if any. */
  summary(name: string): readonly SummaryEffect[] | undefined;
  /** Functions stored into a struct field anywhere (ops tables). */
  fieldTargets(field: string): readonly string[];
}

const SKIP = new Set(['string_literal', 'concatenated_string', 'char_literal', 'comment', 'system_lib_string']);

/** Call sites of a CFG, node by node, each in evaluation order. */
export function collectCallSites(cfg: Cfg, ctx: CpuContext, kb: KnowledgeBase): CallSite[] {
  const out: CallSite[] = [];
  for (const n of cfg.nodes) {
    for (const root of n.exprs) {
      for (const call of callsPostOrder(root)) {
        const fn = call.childForFieldName('function');
        if (!fn) continue;
        const args = argNodes(call);
        const cs: CallSite = {
          id: out.length,
          node: call,
          cfgNode: n.id,
          stmt: n.stmt ?? root,
          callee: fn.text.replace(/\s+/g, ''),
          args,
          argKeys: args.map((a) => cpuKey(a, ctx)),
          use: { kind: 'checked' },
        };
        const f = stripParens(fn);
        if (f.type === 'identifier') cs.name = f.text;
        else if (f.type === 'field_expression') {
          cs.object = f.childForFieldName('argument')?.text.replace(/\s+/g, '') ?? '';
          cs.field = f.childForFieldName('field')?.text ?? '';
        }
        cs.use = resultUse(call, n.cond, kb);
        out.push(cs);
      }
    }
  }
  return out;
}

function callsPostOrder(root: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  const stack: { n: SyntaxNode; done: boolean }[] = [{ n: root, done: false }];
  while (stack.length) {
    const top = stack.pop()!;
    if (top.done) {
      out.push(top.n);
      continue;
    }
    const n = top.n;
    if (SKIP.has(n.type)) continue;
    if (n.type === 'call_expression') stack.push({ n, done: true });
    for (let i = n.namedChildCount - 1; i >= 0; i--) stack.push({ n: n.namedChild(i)!, done: false });
  }
  return out;
}

function calleeName(call: SyntaxNode): string {
  const fn = call.childForFieldName('function');
  return fn ? stripParens(fn).text : '';
}

function within(inner: SyntaxNode, outer: SyntaxNode | undefined): boolean {
  return !!outer && inner.startIndex >= outer.startIndex && inner.endIndex <= outer.endIndex;
}

/** Where the value of `call` goes. */
export function resultUse(call: SyntaxNode, cond: SyntaxNode | undefined, kb: KnowledgeBase): ResultUse {
  const lx = kb.lexicon;
  let cur = call;
  let stored: string | undefined;
  for (let i = 0; i < 64; i++) {
    const p = cur.parent;
    if (!p) return { kind: 'checked' };
    if (cond && cur.id === cond.id) return { kind: 'cond', name: stored };
    switch (p.type) {
      case 'parenthesized_expression':
      case 'cast_expression':
        cur = p;
        continue;
      case 'argument_list': {
        const outer = p.parent!;
        const name = calleeName(outer);
        if (lx.transparent.includes(name) && p.namedChildren[0]?.id === cur.id) {
          cur = outer;
          continue;
        }
        if (within(call, cond)) return { kind: 'cond', name: stored };
        if (lx.reporters.includes(name)) return { kind: 'ignored' };
        return { kind: 'checked' };
      }
      case 'assignment_expression': {
        const l = p.childForFieldName('left');
        if (p.childForFieldName('right')?.id !== cur.id) return { kind: 'checked' };
        const lhs = l && stripParens(l);
        if (lhs?.type !== 'identifier') return within(call, cond) ? { kind: 'cond' } : { kind: 'checked' };
        stored = lhs.text;
        if (within(p, cond)) {
          cur = p;
          continue;
        }
        return { kind: 'var', name: stored };
      }
      case 'init_declarator': {
        const d = p.childForFieldName('declarator');
        return d?.type === 'identifier' ? { kind: 'var', name: d.text } : { kind: 'checked' };
      }
      case 'expression_statement':
        return { kind: 'ignored' };
      case 'return_statement':
        return { kind: 'returned' };
      default:
        if (within(call, cond)) return { kind: 'cond', name: stored };
        return { kind: 'checked' };
    }
  }
  return { kind: 'checked' };
}

function whenHolds(e: KbEntry, cs: CallSite): boolean {
  if (!e.when) return true;
  return e.when.every((w) => {
    const a = cs.args[w.arg];
    if (!a) return false;
    // The CPU-key normalisation strips casts, parentheses and '&'; plain text is the fallback.
    const keyed = cs.argKeys[w.arg];
    const t = normaliseText(a.text);
    return w.oneOf.some((v) => {
      const n = normaliseText(v);
      return n === keyed || n === t;
    });
  });
}

export function spanOf(n: SyntaxNode): Span {
  return {
    start: n.startIndex,
    end: n.endIndex,
    startLine: n.startPosition.row,
    startCol: n.startPosition.column,
    endLine: n.endPosition.row,
    endCol: n.endPosition.column,
  };
}

/** The KB entries that apply to a call by name (with their `when` conditions met). */
export function kbEntriesFor(cs: CallSite, kb: KnowledgeBase): KbEntry[] {
  if (cs.name !== undefined) return kb.forFunction(cs.name).filter((e) => whenHolds(e, cs));
  if (cs.field !== undefined) return kb.forField(cs.object ?? '', cs.field).filter((e) => whenHolds(e, cs));
  return [];
}

const MAX_VIA = 8;

/** Events of one call site: KB hits, then the summaries of the functions it may call. */
export function eventsOf(cs: CallSite, r: Resolver): CoreEvent[] {
  const out: CoreEvent[] = [];
  const span = spanOf(cs.node);
  const stmtSpan = spanOf(cs.stmt);
  const fromEntry = (e: KbEntry, via: string[]) => {
    let cpu: string;
    let cpuText: string;
    if (e.role === 'hotplug-state') {
      cpu = '';
      cpuText = '';
    } else if (e.cpuArg === 'self') {
      cpu = SELF;
      cpuText = 'smp_processor_id()';
    } else {
      const a = cs.args[e.cpuArg];
      if (!a) return;
      cpu = cs.argKeys[e.cpuArg];
      cpuText = a.text;
    }
    out.push({ role: e.role, cpu, cpuText, callee: cs.callee, span, stmtSpan, callSite: cs.id, via, entry: e, returnsStatus: e.returnsStatus, guarded: e.guarded, order: cs.id });
  };
  const fromSummary = (effects: readonly SummaryEffect[], prefix: string[]) => {
    for (const f of effects) {
      let cpu: string;
      let cpuText: string;
      if (f.cpu === 'self') {
        cpu = SELF;
        cpuText = 'smp_processor_id()';
      } else {
        const a = cs.args[f.cpu];
        if (!a) continue;
        cpu = cs.argKeys[f.cpu];
        cpuText = a.text;
      }
      const via = [...prefix, ...f.via].slice(0, MAX_VIA);
      out.push({ role: f.role, cpu, cpuText, callee: cs.callee, span, stmtSpan, callSite: cs.id, via, entry: f.entry, returnsStatus: f.returnsStatus, guarded: f.guarded, may: f.may, order: cs.id });
    }
  };
  const byName = (name: string, prefix: string[]) => {
    const hits = r.kb.forFunction(name).filter((e) => whenHolds(e, cs));
    if (hits.length) {
      for (const e of hits) fromEntry(e, [...prefix, name]);
      return;
    }
    // A KB function name without a matching `when` (set_cpu_online(cpu, x)) is not summarised either.
    if (r.kb.forFunction(name).length) return;
    const s = r.summary(name);
    if (s) fromSummary(s, [...prefix, name]);
  };
  if (cs.name !== undefined) byName(cs.name, []);
  else if (cs.field !== undefined) {
    for (const e of kbEntriesFor(cs, r.kb)) fromEntry(e, [cs.callee]);
    for (const t of r.fieldTargets(cs.field)) byName(t, [cs.callee]);
  }
  return dedupe(out);
}

function dedupe(evs: CoreEvent[]): CoreEvent[] {
  const seen = new Set<string>();
  return evs.filter((e) => {
    const k = `${e.role}|${e.cpu}|${e.entry.name}|${e.via.join('>')}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
