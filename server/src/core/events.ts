// Role-bearing calls of each CFG node, in evaluation order (arguments before the call, left to right).
import type { Event, KbEntry, Span } from './types';
import type { KnowledgeBase } from './kb/kb';
import { SyntaxNode, findAll } from './parse';
import type { Cfg, CfgNode } from './cfg';
import { stripParens, CfgBudgetExceeded } from './cfg';
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
  /**
   * hotplug-state only: the function registers a hot-plug state whose startup callback is its parameter `startup`
   * (xen_cpuhp_setup(cb, ...) passing cb on), in the state given by its parameter `state` or written as `state`.
   */
  registers?: { startup: number; state: number | string };
}

/** What a hot-plug state registration registers, as seen at one call site (HP004). */
export interface Registration {
  /** The startup callback's argument. */
  startup: SyntaxNode;
  /** The state as written. */
  state: string;
}

/** The function a callback argument names: `cb`, `&cb`, `(cb)`. */
export function callbackName(arg: SyntaxNode): string {
  return stripParens(arg).text.replace(/^&\s*/, '');
}

/** An event with the flags the checks need. */
export interface CoreEvent extends Event {
  returnsStatus?: boolean;
  guarded?: boolean;
  may?: boolean;
  /** Position of the call site in the function, for ordering. */
  order: number;
  /** Expanded from a function-like macro: events of one use may pair with each other. */
  macro?: boolean;
  /** hotplug-state: the callback and the state this call registers (directly, or through a wrapper's parameters). */
  registration?: Registration;
}

export interface Resolver {
  kb: KnowledgeBase;
  /** Summary of a function defined in the project, if any; `file` (the caller's) prefers its own definitions. */
  summary(name: string, file?: string): readonly SummaryEffect[] | undefined;
  /** Functions stored into a struct field (ops tables); `file` prefers the stores made in that file. */
  fieldTargets(field: string, file?: string): readonly string[];
  /** True when `name`, called from `file`, is a function-like macro (its events are expanded in place). */
  isMacro?(name: string, file?: string): boolean;
}


const CALL = new Set(['call_expression']);

/** Call sites of a CFG, node by node, each in evaluation order. */
export function collectCallSites(cfg: Cfg, ctx: CpuContext, kb: KnowledgeBase, deadline = Infinity): CallSite[] {
  const out: CallSite[] = [];
  for (const n of cfg.nodes) {
    if ((n.id & 63) === 0 && Date.now() > deadline) throw new CfgBudgetExceeded();
    for (const root of n.exprs) {
      // Inner calls end before the calls around them: ordering by end offset is post-order.
      const calls = findAll(root, CALL).sort((x, y) => x.endIndex - y.endIndex);
      for (const call of calls) {
        const fn = call.childForFieldName('function');
        if (!fn) continue;
        const cs: CallSite = {
          id: out.length,
          node: call,
          cfgNode: n.id,
          stmt: n.stmt ?? root,
          callee: fn.text.replace(/\s+/g, ''),
          // Arguments and their CPU keys are only needed for role-bearing calls: computed on first use.
          get args(): SyntaxNode[] {
            const a = argNodes(call);
            Object.defineProperty(this, 'args', { value: a });
            return a;
          },
          get argKeys(): string[] {
            const k = this.args.map((a) => cpuKey(a, ctx));
            Object.defineProperty(this, 'argKeys', { value: k });
            return k;
          },
          get use(): ResultUse {
            const u = resultUse(call, root, rootUse(n, root), n.cond, kb);
            Object.defineProperty(this, 'use', { value: u });
            return u;
          },
        };
        const f = stripParens(fn);
        if (f.type === 'identifier') cs.name = f.text;
        else if (f.type === 'field_expression') {
          cs.object = f.childForFieldName('argument')?.text.replace(/\s+/g, '') ?? '';
          cs.field = f.childForFieldName('field')?.text ?? '';
        }
        out.push(cs);
      }
    }
  }
  return out;
}

/** How a CFG node uses the value of one of its root expressions. */
function rootUse(n: CfgNode, root: SyntaxNode): ResultUse {
  if (n.cond && root.id === n.cond.id) return { kind: 'cond' };
  if (n.stmt?.type === 'return_statement') return { kind: 'returned' };
  if (root.type === 'declaration') return { kind: 'checked' };
  if (n.kind === 'cond' || n.stmt?.type === 'expression_statement' || n.stmt?.type === 'for_statement') return { kind: 'ignored' };
  return { kind: 'checked' };
}

function calleeName(call: SyntaxNode): string {
  const fn = call.childForFieldName('function');
  return fn ? stripParens(fn).text : '';
}

const MAX_USE_DEPTH = 200;

/** Where the value of `call` goes: walks down from the CFG root expression, carrying the use of each level. */
export function resultUse(call: SyntaxNode, root: SyntaxNode, use0: ResultUse, cond: SyntaxNode | undefined, kb: KnowledgeBase): ResultUse {
  const lx = kb.lexicon;
  const inside = (n: SyntaxNode) => n.startIndex <= call.startIndex && n.endIndex >= call.endIndex;
  let use = use0;
  let cur = root;
  for (let depth = 0; depth < MAX_USE_DEPTH; depth++) {
    if (cond && cur.id === cond.id) use = { kind: 'cond' };
    if (cur.id === call.id) return use;
    const inCond = use.kind === 'cond';
    let next: SyntaxNode | undefined;
    let nextUse: ResultUse = inCond ? { kind: 'cond', name: (use as { name?: string }).name } : { kind: 'checked' };
    switch (cur.type) {
      case 'parenthesized_expression':
      case 'cast_expression':
        next = cur.namedChildren.find(inside);
        nextUse = use;
        break;
      case 'call_expression': {
        const args = argNodes(cur);
        next = args.find(inside) ?? cur.namedChildren.find(inside);
        const name = calleeName(cur);
        if (next && args[0] && next.id === args[0].id && lx.transparent.includes(name)) nextUse = use;
        else if (!inCond && lx.reporters.includes(name) && next && args.some((a) => a.id === next!.id)) nextUse = { kind: 'ignored' };
        break;
      }
      case 'assignment_expression': {
        const r = cur.childForFieldName('right');
        const l = cur.childForFieldName('left');
        next = r && inside(r) ? r : l ?? undefined;
        const lhs = l && stripParens(l);
        if (next && r && next.id === r.id && lhs?.type === 'identifier' && cur.child(1)?.type === '=') nextUse = inCond ? { kind: 'cond', name: lhs.text } : { kind: 'var', name: lhs.text };
        break;
      }
      case 'init_declarator': {
        const v = cur.childForFieldName('value');
        const d = cur.childForFieldName('declarator');
        next = v && inside(v) ? v : cur.namedChildren.find(inside);
        if (next && v && next.id === v.id && d?.type === 'identifier') nextUse = { kind: 'var', name: d.text };
        break;
      }
      case 'declaration':
        next = cur.namedChildren.find(inside);
        break;
      default:
        next = cur.namedChildren.find(inside);
    }
    if (!next) return { kind: 'checked' };
    cur = next;
    use = nextUse;
  }
  return { kind: 'checked' };
}

function whenHolds(e: KbEntry, cs: CallSite): boolean {
  if (!e.when) return true;
  // Error recovery can stretch an argument over the next statements (`f(a ? b;` then `g(: IPI);`): a condition is
  // not judged on text the parser could not read. The admission gate relies on it (when-text.ts).
  if (cs.node.childForFieldName('arguments')?.hasError) return false;
  return e.when.every((w) => {
    const a = cs.args[w.arg];
    if (!a) return false;
    // The CPU-key normalisation strips casts, parentheses and '&'; plain text is the fallback.
    const keyed = cs.argKeys[w.arg];
    const t = normaliseText(a.text);
    return w.oneOf.some((v) => {
      if (v.includes('*')) return globOf(v).test(t);
      const n = normaliseText(v);
      return n === keyed || n === t;
    });
  });
}

const globs = new Map<string, RegExp>();

/** `when` values with `*` are case-insensitive globs over the argument as written: `*ipi*`. */
function globOf(v: string): RegExp {
  let re = globs.get(v);
  if (!re) {
    const body = v.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
    re = new RegExp(`^${body}$`, 'i');
    globs.set(v, re);
  }
  return re;
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
export function eventsOf(cs: CallSite, r: Resolver, file?: string): CoreEvent[] {
  const out: CoreEvent[] = [];
  // Spans only for a call that has events: most call sites have none, and positions cross into the parser.
  let spans: { span: Span; stmtSpan: Span } | undefined;
  const at = () => (spans ??= { span: spanOf(cs.node), stmtSpan: spanOf(cs.stmt) });
  const fromEntry = (e: KbEntry, via: string[]) => {
    let cpu: string;
    let cpuText: string;
    let registration: Registration | undefined;
    if (e.role === 'hotplug-state') {
      cpu = '';
      cpuText = '';
      const cb = e.callbacks;
      const startup = cb && cs.args[cb.startup];
      const state = cb && cs.args[cb.state];
      if (startup && state) registration = { startup, state: state.text };
    } else if (e.cpuArg === 'self') {
      cpu = SELF;
      cpuText = 'smp_processor_id()';
    } else {
      const a = cs.args[e.cpuArg];
      if (!a) return;
      cpu = cs.argKeys[e.cpuArg];
      cpuText = a.text;
    }
    const ev: CoreEvent = { role: e.role, cpu, cpuText, callee: cs.callee, ...at(), callSite: cs.id, via, entry: e, returnsStatus: e.returnsStatus, guarded: e.guarded, order: cs.id };
    if (registration) ev.registration = registration;
    out.push(ev);
  };
  const fromSummary = (effects: readonly SummaryEffect[], prefix: string[]) => {
    for (const f of effects) {
      let cpu: string;
      let cpuText: string;
      let registration: Registration | undefined;
      if (f.role === 'hotplug-state') {
        // A wrapper's registration: the callback (and maybe the state) are this call's arguments.
        const reg = f.registers;
        const startup = reg && cs.args[reg.startup];
        const state = reg && (typeof reg.state === 'number' ? cs.args[reg.state]?.text : reg.state);
        if (!startup || state === undefined) continue;
        cpu = '';
        cpuText = '';
        registration = { startup, state };
      } else if (f.cpu === 'self') {
        cpu = SELF;
        cpuText = 'smp_processor_id()';
      } else {
        const a = cs.args[f.cpu];
        if (!a) continue;
        cpu = cs.argKeys[f.cpu];
        cpuText = a.text;
      }
      const via = [...prefix, ...f.via].slice(0, MAX_VIA);
      const ev: CoreEvent = { role: f.role, cpu, cpuText, callee: cs.callee, ...at(), callSite: cs.id, via, entry: f.entry, returnsStatus: f.returnsStatus, guarded: f.guarded, may: f.may, order: cs.id };
      if (registration) ev.registration = registration;
      out.push(ev);
    }
  };
  const byName = (name: string, prefix: string[]) => {
    // A kick the new CPU waits after, until a later state releases it: nothing is published yet (kernel-kb R2).
    if (r.kb.lexicon.gatedKicks?.includes(name)) return;
    const hits = r.kb.forFunction(name).filter((e) => whenHolds(e, cs));
    if (hits.length) {
      for (const e of hits) fromEntry(e, [...prefix, name]);
      return;
    }
    // A KB function name without a matching `when` (set_cpu_online(cpu, x)) is not summarised either.
    if (r.kb.forFunction(name).length) return;
    // A call that never returns (panic, halt) ends the path: the CPU is stopping, not being hot-plugged, and
    // its effects would otherwise reach every caller of panic() in the tree.
    if (r.kb.lexicon.noReturn.includes(name)) return;
    let s = r.summary(name, file);
    // The boot CPU is published while it is the only CPU: no other CPU exists yet to send it an IPI.
    if (s && r.kb.lexicon.bootCpuPublishers?.includes(name)) s = s.filter((e) => !e.role.startsWith('online-'));
    if (s?.length) fromSummary(s, [...prefix, name]);
  };
  if (cs.name !== undefined) {
    byName(cs.name, []);
    if (r.isMacro?.(cs.name, file)) for (const e of out) e.macro = true;
  }
  else if (cs.field !== undefined) {
    const kbHits = kbEntriesFor(cs, r.kb);
    for (const e of kbHits) fromEntry(e, [cs.callee]);
    const targets = r.fieldTargets(cs.field, file);
    for (const t of targets) byName(t, [cs.callee]);
    // Several possible callees are alternatives, not a sequence: none of them is certain.
    if (targets.length + (kbHits.length ? 1 : 0) > 1) for (const e of out) e.may = true;
  }
  return dedupe(out);
}

function dedupe(evs: CoreEvent[]): CoreEvent[] {
  const seen = new Set<string>();
  return evs.filter((e) => {
    const reg = e.registration ? `|${e.registration.startup.startIndex}|${e.registration.state}` : '';
    const k = `${e.role}|${e.cpu}|${e.entry.name}|${e.via.join('>')}${reg}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
