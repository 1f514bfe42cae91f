// Function summaries: the role effects a function has on its parameters or on 'self', to a bounded fixpoint.
import type { KnowledgeBase } from './kb/kb';
import { callbackName, CoreEvent, eventsOf, Resolver, SummaryEffect } from './events';
import { FieldStore, FnFacts, mustNodes } from './functions';
import { SELF } from './cpu-identity';
import { NotLoaded } from './frozen';

export type { SummaryEffect } from './events';

const MAX_EFFECTS = 32;
const MAX_VISITS = 25;

export class SummaryTable implements Resolver {
  /** Effects of the relevant functions, by FnFacts.key (equal keys: same file, name and text, so equal effects). */
  private perFn = new Map<string, SummaryEffect[]>();
  private defs = new Map<string, FnFacts[]>();
  private byKey = new Map<string, FnFacts>();
  private fields = new Map<string, FieldStore[]>();
  /** Keys of the relevant functions. */
  private relevant = new Set<string>();
  /** Internal errors while summarising a function, by key: it then has no effects (the project reports HP900). */
  private errors = new Map<string, string>();
  private computed = false;
  private prevStores = '';
  /**
   * Bumped by compute() when a name's summaries, the set of definitions or the stores changed: a function's
   * dependencySignature() can only differ between two generations.
   */
  generation = 0;

  constructor(readonly kb: KnowledgeBase) {}

  /** False for functions that cannot reach any role-bearing call: they have no events, so no findings. */
  isRelevant(f: FnFacts): boolean {
    return this.relevant.has(f.key);
  }

  /** Definitions a call from `file` may reach: its own file's, else the non-static ones in the nearest directories. */
  private pick(name: string, file?: string, defs = this.defs): FnFacts[] {
    const all = defs.get(name);
    if (!all) return [];
    if (file !== undefined) {
      const own = all.filter((f) => f.file === file);
      if (own.length) return own;
      const pub = all.filter((f) => !f.isStatic);
      return nearest(pub.length ? pub : all, (f) => f.file, file);
    }
    return all;
  }

  /**
   * Everything the findings of `f` depend on besides its own text: what each name and field it calls resolves to,
   * and those summaries. Equal signatures (and equal text) give equal findings.
   */
  dependencySignature(f: FnFacts): string {
    const parts: string[] = [];
    const ofName = (n: string) => {
      const defs = this.pick(n, f.file);
      return defs.map((d) => `${d.file === f.file ? '.' : d.file}${d.synthetic ? '#' : ''}=${sig(this.perFn.get(d.key) ?? [])}`).join(',');
    };
    for (const n of [...f.calledNames].sort()) if (this.defs.has(n)) parts.push(`${n}(${ofName(n)})`);
    for (const field of [...f.calledFields].sort()) {
      const t = this.fieldTargets(field, f.file);
      if (t.length) parts.push(`.${field}[${t.map((x) => `${x}(${ofName(x)})`).join(';')}]`);
    }
    return parts.join('\n');
  }

  isMacro(name: string, file?: string): boolean {
    const defs = this.pick(name, file);
    return defs.length > 0 && defs.every((d) => d.synthetic);
  }

  summary(name: string, file?: string): readonly SummaryEffect[] | undefined {
    const defs = this.pick(name, file);
    if (defs.length === 1) {
      const s = this.perFn.get(defs[0].key);
      return s && s.length ? s : undefined;
    }
    const out: SummaryEffect[] = [];
    for (const d of defs) mergeInto(out, this.perFn.get(d.key) ?? []);
    return out.length ? (defs.some((d) => d.synthetic) ? out : out.sort(effectOrder)) : undefined;
  }

  fieldTargets(field: string, file?: string): readonly string[] {
    const all = this.fields.get(field);
    if (!all) return [];
    // Field names repeat across unrelated structs (`ops->cpu_die`): the stores nearest to the caller win.
    const chosen = file === undefined ? all : nearest(all, (s) => s.file ?? '', file);
    return [...new Set(chosen.map((s) => s.target))];
  }

  /** The function's own summary (undefined when it is not relevant), and the error that stopped it. */
  own(f: FnFacts): { effects?: readonly SummaryEffect[]; error?: string } {
    return { effects: this.perFn.get(f.key), error: this.errors.get(f.key) };
  }

  /** Number of functions with a summary entry. */
  size(): number {
    return this.perFn.size;
  }

  /** The internal error that stopped the summary of `f`, if any. */
  errorOf(f: FnFacts): string | undefined {
    return this.errors.get(f.key);
  }

  names(): IterableIterator<string> {
    return this.defs.keys();
  }

  /** Signature of one name's summaries, to detect changes. */
  signature(name: string): string {
    return nameSig(name, this.defs, this.perFn);
  }

  /**
   * Brings the summaries up to date with `fns` and `stores` (worklist over the call graph, bounded per function).
   * Functions whose text did not change, and that call no field whose stores changed, keep their summary; the changed ones
   * are recomputed first, and their callers re-enter only when a changed name's summaries differ. The relevant set
   * is recomputed only when a changed function's name or called names differ. Returns whether any name's summaries,
   * the definitions or the stores changed (then `generation` is bumped).
   */
  compute(fns: readonly FnFacts[], stores: readonly FieldStore[]): boolean {
    try {
      return this.update(fns, stores);
    } catch (e) {
      // A half-updated table: start from scratch next time.
      this.computed = false;
      throw e;
    }
  }

  private update(fns: readonly FnFacts[], stores: readonly FieldStore[]): boolean {
    const oldDefs = this.defs;
    const oldPer = this.perFn;
    const oldByKey = this.byKey;
    const oldRelevant = this.relevant;
    const defs = new Map<string, FnFacts[]>();
    const byKey = new Map<string, FnFacts>();
    for (const f of fns) {
      byKey.set(f.key, f);
      const l = defs.get(f.name);
      if (l) l.push(f);
      else defs.set(f.name, [f]);
    }
    const storeSig = stores.map((s) => `${s.file}:${s.field}=${s.target}`).sort().join('\n');
    const full = !this.computed;
    const storesChanged = !full && storeSig !== this.prevStores;
    this.computed = true;
    this.prevStores = storeSig;
    const added: FnFacts[] = [];
    const removed: FnFacts[] = [];
    for (const [k, f] of byKey) if (!oldByKey.has(k)) added.push(f);
    for (const [k, f] of oldByKey) if (!byKey.has(k)) removed.push(f);
    // Rebuilt every time (cheap): the same stores in another file order give their targets in that order.
    const oldFields = this.fields;
    this.fields = new Map();
    for (const s of stores) {
      const l = this.fields.get(s.field);
      if (l) l.push(s);
      else this.fields.set(s.field, [s]);
    }
    // Changed stores (a prefilter round's new files, an edit): the functions that call a field whose stores differ
    // are computed again like changed functions, the others keep their summaries (was: every summary again).
    const movedFields = new Set<string>();
    if (storesChanged) {
      const targets = (l?: FieldStore[]) => (l ?? []).map((x) => `${x.file}:${x.target}`).join('\n');
      for (const f of new Set([...oldFields.keys(), ...this.fields.keys()])) if (targets(oldFields.get(f)) !== targets(this.fields.get(f))) movedFields.add(f);
    }
    const callsMovedField = (f: FnFacts) => movedFields.size > 0 && [...f.calledFields].some((x) => movedFields.has(x));
    // Relevance depends on each function's name, called names and fields only: when the changed functions have
    // the same of those as the ones they replace, the relevant set carries over.
    let relevant: Set<string> | undefined;
    if (!full && !storesChanged && added.length === removed.length) {
      const wasRelevant = new Map<string, boolean[]>();
      for (const f of removed) {
        const k = relevanceKey(f);
        const l = wasRelevant.get(k);
        if (l) l.push(oldRelevant.has(f.key));
        else wasRelevant.set(k, [oldRelevant.has(f.key)]);
      }
      relevant = new Set(oldRelevant);
      for (const f of removed) relevant.delete(f.key);
      for (const f of added) {
        const r = wasRelevant.get(relevanceKey(f))?.pop();
        if (r === undefined) {
          relevant = undefined;
          break;
        }
        if (r) relevant.add(f.key);
      }
    }
    const flipped: string[] = [];
    if (!relevant) {
      relevant = new Set<string>();
      for (const f of relevantFunctions(fns, stores, this.kb)) relevant.add(f.key);
      if (!full) {
        for (const k of relevant) if (!oldRelevant.has(k) && oldByKey.has(k)) flipped.push(oldByKey.get(k)!.name);
        for (const k of oldRelevant) if (!relevant.has(k) && byKey.has(k)) flipped.push(byKey.get(k)!.name);
      }
    }
    this.defs = defs;
    this.byKey = byKey;
    this.relevant = relevant;
    const per = new Map<string, SummaryEffect[]>();
    this.perFn = per;
    const oldErrors = this.errors;
    const errors = new Map<string, string>();
    this.errors = errors;
    if (!full) for (const k of relevant) {
      if (callsMovedField(byKey.get(k)!)) continue;
      const e = oldPer.get(k);
      if (e) per.set(k, e);
      const err = oldErrors.get(k);
      if (err !== undefined) errors.set(k, err);
    }
    // Reverse call graph from the called names in the text (a superset; no CFG needed), built when first needed.
    let callers: Map<string, Set<string>> | undefined;
    const callersOf = (name: string): Iterable<string> => {
      if (!callers) {
        const m = (callers = new Map<string, Set<string>>());
        const add = (callee: string, k: string) => {
          let s = m.get(callee);
          if (!s) m.set(callee, (s = new Set()));
          s.add(k);
        };
        for (const k of relevant!) {
          const f = byKey.get(k)!;
          for (const n of f.calledNames) add(n, k);
          for (const field of f.calledFields) for (const t of this.fieldTargets(field)) add(t, k);
        }
      }
      return callers.get(name) ?? [];
    };
    const queue: FnFacts[] = [];
    const queued = new Set<string>();
    const enqueue = (k: string) => {
      if (!queued.has(k) && relevant!.has(k)) {
        queued.add(k);
        queue.push(byKey.get(k)!);
      }
    };
    for (const k of relevant) if (!per.has(k)) enqueue(k);
    // In an incremental update the first pass (the changed functions) does not propagate: their callers re-enter
    // below only if the summaries of a changed name differ from before.
    const seedEnd = full ? 0 : queue.length;
    const seeds = new Set(queue.slice(0, seedEnd).map((f) => f.key));
    const touched = new Set<string>(flipped);
    for (const f of added) touched.add(f.name);
    for (const f of removed) touched.add(f.name);
    const visits = new Map<string, number>();
    const step = (f: FnFacts, propagate: boolean) => {
      queued.delete(f.key);
      const v = (visits.get(f.key) ?? 0) + 1;
      visits.set(f.key, v);
      if (v > MAX_VISITS) return;
      let effects: SummaryEffect[];
      try {
        if (f.frozen) {
          effects = f.frozen.effects;
          if (f.frozen.error !== undefined) errors.set(f.key, f.frozen.error);
        } else {
          effects = effectsOf(f, this);
          errors.delete(f.key);
        }
      } catch (e) {
        if (e instanceof NotLoaded) throw e;
        // One function's failure must not stop the others: it gets no effects, and an HP900 from the project.
        errors.set(f.key, e instanceof Error ? e.message : String(e));
        effects = [];
      }
      const prev = per.get(f.key);
      if (prev && sig(effects) === sig(prev)) return;
      per.set(f.key, effects);
      touched.add(f.name);
      // A changed function stepped before this one saw no entry for it: it goes again, whatever the old summary.
      for (const c of callersOf(f.name)) if (propagate || seeds.has(c)) enqueue(c);
    };
    let qi = 0;
    for (; qi < seedEnd; qi++) step(queue[qi], false);
    if (!full) {
      // Kept summaries of the callers (transitively) of what changed may hold each other up through a cycle of
      // calls, so they start again from no effects: the result is then the least fixpoint, as a full compute's.
      // That is: the callers of every name whose summaries differ, and of the changed functions if one of them
      // reaches itself through its callers (its first step read its callers' old summaries).
      const reset = new Set<string>();
      const moved = [...touched].filter((n) => nameSig(n, oldDefs, oldPer) !== nameSig(n, defs, per));
      for (const k of callersClosure(moved, callersOf, byKey)) reset.add(k);
      const seedNames = new Set(queue.slice(0, seedEnd).map((f) => f.name));
      const fromSeeds = callersClosure(seedNames, callersOf, byKey);
      if ([...seeds].some((k) => fromSeeds.has(k))) for (const k of fromSeeds) reset.add(k);
      for (const k of reset) {
        per.delete(k);
        errors.delete(k);
        touched.add(byKey.get(k)!.name);
        enqueue(k);
      }
    }
    for (; qi < queue.length; qi++) step(queue[qi], true);
    let changed = full || storesChanged;
    if (!changed) for (const n of touched) if (nameSig(n, oldDefs, oldPer) !== nameSig(n, defs, per)) changed = true;
    if (changed) this.generation++;
    return changed;
  }
}

/** Keys of the functions that call one of `names`, directly or through other callers. */
function callersClosure(names: Iterable<string>, callersOf: (name: string) => Iterable<string>, byKey: Map<string, FnFacts>): Set<string> {
  const out = new Set<string>();
  const stack = [...names];
  const done = new Set(stack);
  while (stack.length) {
    for (const k of callersOf(stack.pop()!)) {
      if (out.has(k)) continue;
      out.add(k);
      const name = byKey.get(k)!.name;
      if (!done.has(name)) {
        done.add(name);
        stack.push(name);
      }
    }
  }
  return out;
}

/** What relevance depends on: the name and the names and fields called. */
function relevanceKey(f: FnFacts): string {
  return `${f.name}(${[...f.calledNames].join(',')}|${[...f.calledFields].join(',')})`;
}

/** The summaries of a name's definitions with what picking among them reads (file, static, macro). */
function nameSig(name: string, defs: Map<string, FnFacts[]>, per: Map<string, SummaryEffect[]>): string {
  return (defs.get(name) ?? []).map((f) => `${f.file}${f.synthetic ? '#' : ''}${f.isStatic ? 's' : ''}:${sig(per.get(f.key) ?? [])}`).join('\n');
}

/** The items whose file shares the longest directory prefix with `file` (the same file counts as longest). */
export function nearest<T>(items: readonly T[], fileOf: (x: T) => string, file: string): T[] {
  if (items.length <= 1) return [...items];
  const dirs = file.split(/[\\/]/);
  const score = (f: string) => {
    if (f === file) return Number.MAX_SAFE_INTEGER;
    const d = f.split(/[\\/]/);
    let i = 0;
    while (i < d.length - 1 && i < dirs.length - 1 && d[i] === dirs[i]) i++;
    return i;
  };
  let best = -1;
  let out: T[] = [];
  for (const x of items) {
    const sc = score(fileOf(x));
    if (sc > best) {
      best = sc;
      out = [x];
    } else if (sc === best) out.push(x);
  }
  return out;
}

/**
 * Functions whose text calls a KB name or field, a relevant function, or a field that stores one: a fixpoint over
 * names only, so that the CFGs of all other functions are never built.
 */
export function relevantFunctions(fns: readonly FnFacts[], stores: readonly FieldStore[], kb: KnowledgeBase): Set<FnFacts> {
  const tokens = kb.tokens();
  const relevant = new Set<FnFacts>();
  const hotNames = new Set<string>();
  const hotFields = new Set<string>();
  const byCalledName = new Map<string, FnFacts[]>();
  const byCalledField = new Map<string, FnFacts[]>();
  const storesByTarget = new Map<string, string[]>();
  for (const s of stores) {
    const l = storesByTarget.get(s.target) ?? [];
    l.push(s.field);
    storesByTarget.set(s.target, l);
  }
  const queue: FnFacts[] = [];
  const mark = (f: FnFacts) => {
    if (relevant.has(f)) return;
    relevant.add(f);
    queue.push(f);
  };
  const hotField = (field: string) => {
    if (hotFields.has(field)) return;
    hotFields.add(field);
    for (const g of byCalledField.get(field) ?? []) mark(g);
  };
  for (const f of fns) {
    for (const n of f.calledNames) {
      const l = byCalledName.get(n) ?? [];
      l.push(f);
      byCalledName.set(n, l);
    }
    for (const n of f.calledFields) {
      const l = byCalledField.get(n) ?? [];
      l.push(f);
      byCalledField.set(n, l);
    }
  }
  for (const t of tokens) {
    for (const f of byCalledName.get(t) ?? []) mark(f);
    for (const f of byCalledField.get(t) ?? []) mark(f);
    for (const field of storesByTarget.get(t) ?? []) hotField(field);
  }
  for (let i = 0; i < queue.length; i++) {
    const name = queue[i].name;
    if (hotNames.has(name)) continue;
    hotNames.add(name);
    for (const g of byCalledName.get(name) ?? []) mark(g);
    for (const field of storesByTarget.get(name) ?? []) hotField(field);
  }
  return relevant;
}

/** The effects of one function, from its call sites' events, mapped to parameters or 'self'. */
export function effectsOf(f: FnFacts, r: Resolver): SummaryEffect[] {
  const out: SummaryEffect[] = [];
  let must: Set<number> | undefined;
  for (const c of f.calls) {
    const evs = eventsOf(c, r, f.file);
    if (!evs.length) continue;
    for (const e of evs) {
      let cpu: number | 'self';
      if (e.role === 'hotplug-state') {
        // A registration matters to callers only when its callback is this function's parameter (a wrapper).
        const registers = passedOn(f, e);
        if (!registers) continue;
        must ??= mustNodes(f);
        const eff: SummaryEffect = { role: e.role, cpu: registers.startup, via: e.via, entry: e.entry, registers };
        if (e.may || !must.has(c.cfgNode)) eff.may = true;
        mergeInto(out, [eff]);
        continue;
      }
      if (e.cpu === SELF) cpu = 'self';
      else {
        const i = f.params.indexOf(e.cpu);
        if (i < 0 || !e.cpu) continue;
        cpu = i;
      }
      must ??= mustNodes(f);
      const eff: SummaryEffect = { role: e.role, cpu, via: e.via, entry: e.entry };
      if (e.role === 'ipi-setup' && e.returnsStatus && f.returnsResult(c.id)) eff.returnsStatus = true;
      if (e.guarded) eff.guarded = true;
      if (e.entry.vectors) eff.vectors = e.entry.vectors;
      if (e.may || !must.has(c.cfgNode)) eff.may = true;
      mergeInto(out, [eff]);
    }
  }
  // A function's effects in one order whatever the order they were found in (through a cycle of calls that order
  // would depend on where the computation started). A macro keeps its body's order: events of one use may pair.
  return f.synthetic ? out : out.sort(effectOrder);
}

/** The parameters a registration's callback (and state, when it is one) come from; undefined for other callbacks. */
export function passedOn(f: FnFacts, e: CoreEvent): SummaryEffect['registers'] {
  if (!e.registration) return undefined;
  const startup = f.params.indexOf(callbackName(e.registration.startup));
  if (startup < 0) return undefined;
  const state = f.params.indexOf(e.registration.state.replace(/^\(\s*(\w+)\s*\)$/, '$1'));
  return { startup, state: state >= 0 ? state : e.registration.state };
}

function effectOrder(a: SummaryEffect, b: SummaryEffect): number {
  const x = key(a);
  const y = key(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function key(e: SummaryEffect): string {
  const reg = e.registers ? `|${e.registers.startup}|${typeof e.registers.state === 'number' ? `#${e.registers.state}` : e.registers.state}` : '';
  return `${e.role}|${e.cpu}|${e.entry.name}|${e.entry.source}|${e.returnsStatus ? 1 : 0}|${e.guarded ? 1 : 0}${reg}`;
}

function mergeInto(into: SummaryEffect[], add: readonly SummaryEffect[]): void {
  for (const e of add) {
    const k = key(e);
    const i = into.findIndex((x) => key(x) === k);
    if (i < 0) {
      if (into.length < MAX_EFFECTS) into.push(e);
    } else {
      // Whatever the order effects arrive in: a must beats a may, and the shortest call chain (then the first by
      // name) is the one shown, so that an incremental update and a full compute agree.
      let x = into[i];
      if (x.may && !e.may) x = { ...x, may: undefined };
      if (betterVia(e.via, x.via)) x = { ...x, via: e.via };
      into[i] = x;
    }
  }
}

function betterVia(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return a.length < b.length;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}

/** Equal signatures: equal effects as the checks and callers see them. */
export function sig(effects: readonly SummaryEffect[]): string {
  return effects.map((e) => `${key(e)}|${e.may ? 1 : 0}|${e.via.join('>')}`).join(';');
}
