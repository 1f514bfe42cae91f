// HP001-HP004 over one function's CFG. Searches are breadth-first over (node, state) pairs: bounded, no path enumeration.
import { Finding, OFFLINE_ROLES, PUBLISH_ROLES, Role, WitnessStep } from './types';
import { SyntaxNode, findAll } from './parse';
import { callbackName, CoreEvent, eventsOf, Resolver, spanOf } from './events';
import type { FnFacts } from './functions';
import { SELF } from './cpu-identity';
import { stripParens } from './cfg';
import { runsWhileOnline } from './kb/cpuhp-states';

export class BudgetExceeded extends Error {}

export interface CheckOptions {
  /** Date.now() after which the function's analysis gives up. */
  deadline: number;
  /** Finds the ipi-setup call inside a callback, for HP004's related location. */
  locateSetup?: (fn: string) => { file: string; span: Finding['span'] } | undefined;
  /** Finds, in registration wrapper `fn`, its call of `registrar` that passes a parameter on in `state` (HP004). */
  locateRegistration?: (fn: string, registrar: string, state: string) => { file: string; span: Finding['span'] } | undefined;
}

type Pos = { node: number; index: number };

class Ctx {
  evs: CoreEvent[][];
  private ticks = 0;
  constructor(readonly fn: FnFacts, readonly r: Resolver, readonly opts: CheckOptions) {
    this.evs = fn.cfg.nodes.map(() => []);
    // Inside a gated kick (6.5+ xen_pv_kick_ap: VCPUOP_up), the new CPU it starts waits to be released: not online.
    const gated = r.kb.lexicon.gatedKicks?.includes(fn.name);
    for (const c of fn.calls) this.evs[c.cfgNode].push(...eventsOf(c, r, fn.file).filter((e) => !(gated && e.role === 'online-kick')));
  }
  tick(): void {
    if ((++this.ticks & 255) === 0 && Date.now() > this.opts.deadline) throw new BudgetExceeded();
  }
}

/** All findings of one function. Throws BudgetExceeded when the deadline passes. */
export function checkFunction(fn: FnFacts, r: Resolver, opts: CheckOptions): Finding[] {
  const ctx = new Ctx(fn, r, opts);
  const out: Finding[] = [];
  const isSetup = (e: CoreEvent) => e.role === 'ipi-setup' && !e.guarded;
  out.push(...pairCheck(ctx, 'HP001', (e) => PUBLISH_ROLES.includes(e.role), isSetup, isSetup));
  out.push(...pairCheck(ctx, 'HP003', (e) => e.role === 'ipi-teardown' && !e.guarded, (e) => OFFLINE_ROLES.includes(e.role), (e) => OFFLINE_ROLES.includes(e.role)));
  out.push(...statusCheck(ctx));
  out.push(...stateCheck(ctx));
  return out;
}

function varsOf(key: string): string[] {
  return key === SELF ? [] : key.match(/[A-Za-z_]\w*/g) ?? [];
}

/** HP001 / HP003: a `first` event on a path with no `blocker` before it, followed on that path by a `second` event. */
function pairCheck(ctx: Ctx, code: 'HP001' | 'HP003', isFirst: (e: CoreEvent) => boolean, isSecond: (e: CoreEvent) => boolean, isBlocker: (e: CoreEvent) => boolean): Finding[] {
  const { fn, evs } = ctx;
  const nodes = fn.cfg.nodes;
  const out: Finding[] = [];
  const done = new Set<string>();
  for (let n = 0; n < nodes.length; n++) {
    for (let i = 0; i < evs[n].length; i++) {
      const P = evs[n][i];
      if (!isFirst(P) || !P.cpu) continue;
      const dk = `${P.callSite}|${P.cpu}`;
      if (done.has(dk)) continue;
      const vars = varsOf(P.cpu);
      const reassigns = (id: number) => vars.length > 0 && nodes[id].assigns.some((v) => vars.includes(v));
      const blocks = (e: CoreEvent) => e.cpu === P.cpu && isBlocker(e) && !e.may;
      // Prefix: entry -> P with no blocker on the way (a reassignment of the CPU variable makes the path clean again).
      const seen = new Set<string>();
      const parent = new Map<string, string | undefined>();
      const start = `${fn.cfg.entry}|1`;
      const queue: string[] = [start];
      seen.add(start);
      parent.set(start, undefined);
      let hit: string | undefined;
      while (queue.length && !hit) {
        ctx.tick();
        const s = queue.shift()!;
        const [idStr, cl] = s.split('|');
        const id = +idStr;
        let clean = cl === '1';
        // In P's node: events before it, and the other events of its own call (a callee's summary has no order;
        // it reports its own problem), block; a macro use keeps its body's order.
        if (id === n && clean && !evs[n].some((e, k) => (k < i || (e.callSite === P.callSite && !(P.macro && e.macro))) && blocks(e))) {
          hit = s;
          break;
        }
        for (const e of evs[id]) if (blocks(e)) clean = false;
        if (reassigns(id)) clean = true;
        for (const e of nodes[id].succ) {
          const t = `${e.to}|${clean ? 1 : 0}`;
          if (seen.has(t)) continue;
          seen.add(t);
          parent.set(t, s);
          queue.push(t);
        }
      }
      if (!hit) continue;
      const prefix: number[] = [];
      for (let s: string | undefined = hit; s; s = parent.get(s)) prefix.unshift(+s.split('|')[0]);
      // Suffix: P -> a `second` event on the same CPU from another call site, before the CPU variable changes.
      // One call site does not pair with itself (the callee reports its own problem), unless it is a macro use.
      const isS = (e: CoreEvent) => e.cpu === P.cpu && isSecond(e) && (e.callSite !== P.callSite || !!(P.macro && e.macro));
      let found: { pos: Pos; path: number[] } | undefined;
      const j = evs[n].findIndex((e, k) => k > i && isS(e));
      if (j >= 0) found = { pos: { node: n, index: j }, path: [] };
      else if (!reassigns(n)) {
        const par = new Map<number, number>();
        const q: number[] = [];
        for (const e of nodes[n].succ) if (!par.has(e.to)) {
          par.set(e.to, n);
          q.push(e.to);
        }
        while (q.length && !found) {
          ctx.tick();
          const id = q.shift()!;
          const k = evs[id].findIndex(isS);
          if (k >= 0) {
            const path: number[] = [];
            for (let x = id; x !== n || path.length === 0; x = par.get(x)!) {
              path.unshift(x);
              if (x === n) break;
            }
            found = { pos: { node: id, index: k }, path };
            break;
          }
          if (reassigns(id)) continue;
          for (const e of nodes[id].succ) if (!par.has(e.to)) {
            par.set(e.to, id);
            q.push(e.to);
          }
        }
      }
      if (!found) continue;
      done.add(dk);
      const S = evs[found.pos.node][found.pos.index];
      const witness = witnessOf(ctx, P.cpu, prefix, i, found.path, found.pos.index);
      out.push(code === 'HP001' ? hp001(ctx, P, S, witness) : hp003(ctx, P, S, witness));
    }
  }
  return out;
}

/** Same-CPU role events along the prefix (ending at the first event's node, up to index iP), then the suffix (ending at iS). */
function witnessOf(ctx: Ctx, cpu: string, prefix: number[], iP: number, suffix: number[], iS: number, failed?: { callSite: number; outcome: 'failed' | 'unchecked' }): WitnessStep[] {
  const steps: WitnessStep[] = [];
  const push = (e: CoreEvent) => {
    if (e.cpu !== cpu) return;
    const st: WitnessStep = { event: e };
    if (e.role === 'ipi-setup' && e.returnsStatus) st.outcome = failed && failed.callSite === e.callSite ? failed.outcome : 'ok';
    steps.push(st);
  };
  const range = (id: number, from: number, to: number) => {
    const list = ctx.evs[id];
    for (let x = from; x < Math.min(to, list.length); x++) push(list[x]);
  };
  const nP = prefix[prefix.length - 1];
  prefix.slice(0, -1).forEach((id) => range(id, 0, Infinity));
  if (!suffix.length) {
    range(nP, 0, Math.max(iP, iS) + 1);
    return steps;
  }
  range(nP, 0, Infinity);
  suffix.forEach((id, k) => range(id, 0, k === suffix.length - 1 ? iS + 1 : Infinity));
  return steps;
}

function line(e: CoreEvent): number {
  return e.span.startLine + 1;
}

function viaText(e: CoreEvent): string {
  return e.via.length > 1 ? ` (via ${e.via.slice(1).map((v) => `\`${v}()\``).join(' → ')})` : '';
}

function base(ctx: Ctx, code: Finding['code'], severity: Finding['severity'], primary: CoreEvent, message: string, other: CoreEvent | undefined, relMsg: string, witness: WitnessStep[]): Finding {
  return {
    code,
    severity,
    file: ctx.fn.file,
    function: ctx.fn.name,
    functionSpan: ctx.fn.span,
    cpu: primary.cpuText,
    message,
    span: primary.span,
    related: other ? [{ file: ctx.fn.file, span: other.span, message: relMsg }] : [],
    primary,
    other,
    side: primary.cpu === SELF ? 'ap' : 'bp',
    witness,
  };
}

function hp001(ctx: Ctx, P: CoreEvent, S: CoreEvent, w: WitnessStep[]): Finding {
  const msg = `CPU \`${P.cpuText}\` is published online by \`${P.callee}()\`${viaText(P)} at line ${line(P)} before its IPI vectors are set up by \`${S.callee}()\`${viaText(S)} at line ${line(S)}`;
  return base(ctx, 'HP001', 'error', P, msg, S, `IPI vectors of CPU \`${S.cpuText}\` are set up here, too late`, w);
}

function hp003(ctx: Ctx, T: CoreEvent, O: CoreEvent, w: WitnessStep[]): Finding {
  const msg = `IPI vectors of CPU \`${T.cpuText}\` are torn down by \`${T.callee}()\`${viaText(T)} at line ${line(T)} while the CPU is still online: it is published offline only later, by \`${O.callee}()\`${viaText(O)} at line ${line(O)}`;
  return base(ctx, 'HP003', 'error', T, msg, O, `CPU \`${O.cpuText}\` is published offline here`, w);
}

type Fail = 'yes' | 'no' | 'checked' | 'unrelated';

/** Calls that pass their first argument's truth through (set from the KB lexicon by the status check). */
let transparent: ReadonlySet<string> = new Set(['WARN_ON', 'WARN_ON_ONCE', 'WARN', 'WARN_ONCE', 'unlikely', 'likely']);

/** Can the set-up have failed when `e` evaluates to `value`? */
function canFailOn(e: SyntaxNode, value: boolean, isResult: (n: SyntaxNode) => boolean, mentions: (n: SyntaxNode) => boolean, depth = 0): Fail {
  if (depth > 60) return 'checked';
  if (isResult(e)) return value ? 'yes' : 'no';
  if (!mentions(e)) return 'unrelated';
  switch (e.type) {
    case 'parenthesized_expression':
    case 'cast_expression':
      return canFailOn(stripParens(e), value, isResult, mentions, depth + 1);
    case 'assignment_expression': {
      const r = e.childForFieldName('right');
      return r ? canFailOn(r, value, isResult, mentions, depth + 1) : 'checked';
    }
    case 'call_expression': {
      const args = e.childForFieldName('arguments')?.namedChildren ?? [];
      const name = e.childForFieldName('function')?.text ?? '';
      if (transparent.has(name) && args[0]) return canFailOn(args[0], value, isResult, mentions, depth + 1);
      return 'checked';
    }
    case 'unary_expression': {
      const op = e.child(0)?.type;
      const a = e.childForFieldName('argument');
      if (op === '!' && a) return canFailOn(a, !value, isResult, mentions, depth + 1);
      return 'checked';
    }
    case 'binary_expression': {
      const op = e.childForFieldName('operator')?.type ?? e.child(1)?.type;
      const l = e.childForFieldName('left')!;
      const r = e.childForFieldName('right')!;
      if (op === '&&' || op === '||') {
        const a = canFailOn(l, value, isResult, mentions, depth + 1);
        const b = canFailOn(r, value, isResult, mentions, depth + 1);
        // && true / || false: both sides hold; && false / || true: either side does.
        const both = (op === '&&') === value;
        if (both) {
          if (a === 'no' || b === 'no') return 'no';
          if (a === 'checked' || b === 'checked') return 'checked';
          return 'yes';
        }
        if (a === 'yes' || b === 'yes' || a === 'unrelated' || b === 'unrelated') return 'yes';
        if (a === 'checked' || b === 'checked') return 'checked';
        return 'no';
      }
      const zero = (n: SyntaxNode) => /^0+[uUlL]*$/.test(stripParens(n).text);
      let x: SyntaxNode | undefined;
      let flip = false;
      let sop = op;
      if (zero(r)) x = l;
      else if (zero(l)) {
        x = r;
        sop = ({ '<': '>', '>': '<', '<=': '>=', '>=': '<=' } as Record<string, string>)[op ?? ''] ?? op;
      }
      if (!x) return 'checked';
      if (sop === '!=' || sop === '<') flip = false;
      else if (sop === '==' || sop === '>=') flip = true;
      else return 'checked';
      return canFailOn(x, flip ? !value : value, isResult, mentions, depth + 1);
    }
    default:
      return 'checked';
  }
}

/** Does `e` contain the result (the set-up call itself, or the variable holding it)? */
function mentionsResult(e: SyntaxNode, call: SyntaxNode | undefined, v: string): boolean {
  if (call && e.startIndex <= call.startIndex && e.endIndex >= call.endIndex) return true;
  return !!v && new RegExp(`\\b${v}\\b`).test(e.text) && findAll(e, IDENT).some((x) => x.text === v);
}

const IDENT = new Set(['identifier']);

/** HP002: after a set-up that returns a status, a publish of the same CPU is reachable on the path where it failed. */
function statusCheck(ctx: Ctx): Finding[] {
  const { fn, evs } = ctx;
  transparent = new Set(ctx.r.kb.lexicon.transparent);
  const nodes = fn.cfg.nodes;
  const out: Finding[] = [];
  const done = new Set<string>();
  const isPublish = (e: CoreEvent) => PUBLISH_ROLES.includes(e.role);
  for (let n = 0; n < nodes.length; n++) {
    for (let i = 0; i < evs[n].length; i++) {
      const S = evs[n][i];
      if (S.role !== 'ipi-setup' || !S.returnsStatus || S.guarded || !S.cpu) continue;
      const dk = `${S.callSite}|${S.cpu}`;
      if (done.has(dk)) continue;
      const cs = fn.calls[S.callSite];
      const use = cs.use;
      if (use.kind === 'checked' || use.kind === 'returned') continue;
      const vars = varsOf(S.cpu);
      const isP = (e: CoreEvent) => e.cpu === S.cpu && isPublish(e) && e.callSite !== S.callSite;
      const supersedes = (e: CoreEvent) => e.cpu === S.cpu && e.role === 'ipi-setup' && !e.guarded && !e.may && e.callSite !== S.callSite;
      let found: { node: number; index: number; key: string } | undefined;
      if (use.kind === 'ignored') {
        for (let k = i + 1; k < evs[n].length && !found; k++) {
          if (supersedes(evs[n][k])) break;
          if (isP(evs[n][k])) found = { node: n, index: k, key: '' };
        }
      }
      const parent = new Map<string, string | undefined>();
      const failedAt = new Set<string>();
      if (!found) {
        // State: node + the variable that still holds the status ('' when none).
        const startVar = use.kind === 'var' || use.kind === 'cond' ? use.name ?? '' : '';
        const q: { id: number; v: string; failed: boolean }[] = [];
        const push = (id: number, v: string, failed: boolean, from: string | undefined) => {
          const k = `${id}|${v}`;
          if (parent.has(k)) return;
          parent.set(k, from);
          if (failed) failedAt.add(k);
          q.push({ id, v, failed });
        };
        const expand = (id: number, v: string, failed: boolean, from: string, self: boolean) => {
          const node = nodes[id];
          const isResult = (x: SyntaxNode) => (self && x.id === cs.node.id) || (!!v && x.type === 'identifier' && x.text === v);
          const mentions = (x: SyntaxNode) => mentionsResult(x, self ? cs.node : undefined, v);
          const tested = node.kind === 'cond' && node.cond && mentions(node.cond);
          if (tested && node.isSwitch) return;
          for (const e of node.succ) {
            let f = failed;
            if (tested && e.branch !== undefined) {
              const r = canFailOn(node.cond!, e.branch, isResult, mentions);
              if (r === 'no' || r === 'checked') continue;
              if (r === 'yes') f = true;
            }
            push(e.to, v, f, from);
          }
        };
        const startKey = `${n}|${startVar}`;
        parent.set(startKey, undefined);
        expand(n, startVar, false, startKey, use.kind === 'cond');
        while (q.length && !found) {
          ctx.tick();
          const { id, v: v0, failed } = q.shift()!;
          const key = `${id}|${v0}`;
          let v = v0;
          let stop = false;
          for (let k = 0; k < evs[id].length; k++) {
            const e = evs[id][k];
            if (isP(e)) {
              found = { node: id, index: k, key };
              break;
            }
            if (supersedes(e)) {
              stop = true;
              break;
            }
          }
          if (found || stop) break;
          if (vars.length && nodes[id].assigns.some((x) => vars.includes(x))) continue;
          if (v && nodes[id].assigns.includes(v)) v = '';
          expand(id, v, failed, key, false);
        }
      }
      if (!found) continue;
      done.add(dk);
      const P = evs[found.node][found.index];
      // Path: entry -> S's node (any), then S's node -> P's node as found.
      const pre = shortestPath(ctx, fn.cfg.entry, n);
      const post: number[] = [];
      let outcome: 'failed' | 'unchecked' = 'unchecked';
      if (found.key) {
        for (let k: string | undefined = found.key; k; k = parent.get(k)) {
          if (failedAt.has(k)) outcome = 'failed';
          post.unshift(+k.split('|')[0]);
        }
        post.shift(); // S's node itself
      }
      const witness = witnessOf(ctx, S.cpu, pre, i, post, found.index, { callSite: S.callSite, outcome });
      const how = outcome === 'failed' ? 'its failure branch still reaches' : use.kind === 'ignored' ? 'its result is ignored before' : 'its result is not checked before';
      const msg = `IPI set-up of CPU \`${S.cpuText}\` by \`${S.callee}()\`${viaText(S)} at line ${line(S)} can fail, but ${how} CPU \`${P.cpuText}\` is published online by \`${P.callee}()\`${viaText(P)} at line ${line(P)}`;
      out.push(base(ctx, 'HP002', 'warning', S, msg, P, `CPU \`${P.cpuText}\` is published online here even if the set-up failed`, witness));
    }
  }
  return out;
}

function shortestPath(ctx: Ctx, from: number, to: number): number[] {
  const nodes = ctx.fn.cfg.nodes;
  const par = new Map<number, number>([[from, -1]]);
  const q = [from];
  while (q.length) {
    ctx.tick();
    const id = q.shift()!;
    if (id === to) break;
    for (const e of nodes[id].succ) if (!par.has(e.to)) {
      par.set(e.to, id);
      q.push(e.to);
    }
  }
  if (!par.has(to)) return [to];
  const path: number[] = [];
  for (let x = to; x !== -1; x = par.get(x)!) path.unshift(x);
  return path;
}

/** ONLINE-section cpuhp states run after the CPU is online. */
export function isOnlineState(text: string): boolean {
  return runsWhileOnline(text);
}

/**
 * HP004: an ONLINE-section hot-plug state whose startup callback sets up IPI vectors of its CPU. The registration is
 * a knowledge-base call, or a call of a wrapper that passes its parameters on (`xen_cpuhp_setup(cb, ...)`).
 */
function stateCheck(ctx: Ctx): Finding[] {
  const out: Finding[] = [];
  for (const c of ctx.fn.calls) {
    const evs = ctx.evs[c.cfgNode].filter((e) => e.callSite === c.id && e.role === 'hotplug-state' && e.registration);
    for (const { registration, ...R } of evs) {
      const { startup, state } = registration!;
      if (!isOnlineState(state)) continue;
      const name = callbackName(startup);
      const setups = (ctx.r.summary(name, ctx.fn.file) ?? []).filter((e) => e.role === 'ipi-setup' && !e.guarded && (e.cpu === 0 || e.cpu === 'self'));
      if (!setups.length) continue;
      const s = setups[0];
      const chain = [name, ...s.via];
      const through = R.via.length > 1 ? ` through \`${R.via[R.via.length - 1]}()\`` : '';
      const msg = `\`${R.callee}()\` registers \`${name}()\`, which sets up IPI vectors (via ${chain.slice(1).map((v) => `\`${v}()\``).join(' → ')}), in the ONLINE state \`${state}\`${through} at line ${line(R)}: it runs only after the CPU is already online`;
      const f = base(ctx, 'HP004', 'warning', { ...R, cpu: '', cpuText: state }, msg, undefined, '', [{ event: R }]);
      const loc = ctx.opts.locateSetup?.(name);
      f.related = [{ file: loc?.file ?? ctx.fn.file, span: loc?.span ?? spanOf(startup), message: `\`${name}()\` sets up IPI vectors here` }];
      if (R.via.length > 1) {
        // Through a wrapper: where the innermost one registers its parameter.
        const [wrapper, registrar] = R.via.slice(-2);
        const at = ctx.opts.locateRegistration?.(wrapper, registrar, state);
        if (at) f.related.push({ ...at, message: `\`${wrapper}()\` registers its callback in the hot-plug state here` });
      }
      out.push(f);
    }
  }
  return out;
}

export const ROLES_FOR_HOVER: Record<Role, string> = {
  'online-sync': 'publishes the CPU online (returns with it in cpu_online_mask)',
  'online-kick': 'starts the CPU, which then marks itself online',
  'online-direct': 'writes the CPU into cpu_online_mask',
  'ipi-setup': 'sets up the CPU\'s IPI vectors',
  offline: 'removes the CPU from cpu_online_mask',
  'offline-wait': 'returns once the CPU is offline and dead',
  'ipi-teardown': 'tears down the CPU\'s IPI vectors',
  'ipi-send': 'sends an IPI to the CPU',
  'hotplug-state': 'registers CPU hot-plug state callbacks',
};
