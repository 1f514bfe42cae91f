// Function summaries: the role effects a function has on its parameters or on 'self', to a bounded fixpoint.
import type { KnowledgeBase } from './kb/kb';
import { eventsOf, Resolver, SummaryEffect } from './events';
import { FieldStore, FnFacts, mustNodes } from './functions';
import { SELF } from './cpu-identity';

export type { SummaryEffect } from './events';

const MAX_EFFECTS = 32;
const MAX_VISITS = 25;

export class SummaryTable implements Resolver {
  private readonly perFn = new Map<FnFacts, SummaryEffect[]>();
  private readonly defs = new Map<string, FnFacts[]>();
  private readonly fields = new Map<string, FieldStore[]>();
  private relevant = new Set<FnFacts>();

  constructor(readonly kb: KnowledgeBase) {}

  /** False for functions that cannot reach any role-bearing call: they have no events, so no findings. */
  isRelevant(f: FnFacts): boolean {
    return this.relevant.has(f);
  }

  /** Definitions a call from `file` may reach: its own file's, else the non-static ones in the nearest directories. */
  private pick(name: string, file?: string): FnFacts[] {
    const all = this.defs.get(name);
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
      return defs.map((d) => `${d.file === f.file ? '.' : d.file}${d.synthetic ? '#' : ''}=${sig(this.perFn.get(d) ?? [])}`).join(',');
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
      const s = this.perFn.get(defs[0]);
      return s && s.length ? s : undefined;
    }
    const out: SummaryEffect[] = [];
    for (const d of defs) mergeInto(out, this.perFn.get(d) ?? []);
    return out.length ? out : undefined;
  }

  fieldTargets(field: string, file?: string): readonly string[] {
    const all = this.fields.get(field);
    if (!all) return [];
    // Field names repeat across unrelated structs (`ops->cpu_die`): the stores nearest to the caller win.
    const chosen = file === undefined ? all : nearest(all, (s) => s.file ?? '', file);
    return [...new Set(chosen.map((s) => s.target))];
  }

  names(): IterableIterator<string> {
    return this.defs.keys();
  }

  /** Signature of one name's summaries, to detect changes. */
  signature(name: string): string {
    return (this.defs.get(name) ?? []).map((f) => `${f.file}:${sig(this.perFn.get(f) ?? [])}`).join('\n');
  }

  // The previous solution, by content key, so that a recompute after an edit starts from it.
  private prevByKey = new Map<string, { name: string; effects: SummaryEffect[] }>();
  private prevStores = '';

  /**
   * Recomputes the summaries (worklist over the call graph, bounded per function). Functions whose text did not
   * change start from their previous summary; only changed ones, and the callers of what changed, are reprocessed.
   */
  compute(fns: readonly FnFacts[], stores: readonly FieldStore[]): void {
    this.perFn.clear();
    this.defs.clear();
    this.fields.clear();
    for (const s of stores) {
      const l = this.fields.get(s.field) ?? [];
      l.push(s);
      this.fields.set(s.field, l);
    }
    for (const f of fns) {
      const l = this.defs.get(f.name) ?? [];
      l.push(f);
      this.defs.set(f.name, l);
    }
    this.relevant = relevantFunctions(fns, stores, this.kb);
    const storeSig = stores.map((s) => `${s.file}:${s.field}=${s.target}`).sort().join('\n');
    const incremental = storeSig === this.prevStores;
    this.prevStores = storeSig;
    // Reverse call graph from the called names in the text (a superset; no CFG needed).
    const callers = new Map<string, Set<FnFacts>>();
    const addCaller = (callee: string, f: FnFacts) => {
      let s = callers.get(callee);
      if (!s) callers.set(callee, (s = new Set()));
      s.add(f);
    };
    for (const f of this.relevant) {
      for (const n of f.calledNames) addCaller(n, f);
      for (const field of f.calledFields) for (const t of this.fieldTargets(field)) addCaller(t, f);
    }
    const queue: FnFacts[] = [];
    const queued = new Set<FnFacts>();
    const enqueue = (f: FnFacts) => {
      if (!queued.has(f) && this.relevant.has(f)) {
        queued.add(f);
        queue.push(f);
      }
    };
    const keys = new Set<string>();
    const changedNames = new Set<string>();
    for (const f of this.relevant) {
      keys.add(f.key);
      const prev = incremental ? this.prevByKey.get(f.key) : undefined;
      if (prev) this.perFn.set(f, prev.effects);
      else {
        enqueue(f);
        changedNames.add(f.name);
      }
    }
    for (const [k, v] of this.prevByKey) if (!keys.has(k)) changedNames.add(v.name);
    for (const n of changedNames) for (const c of callers.get(n) ?? []) enqueue(c);
    const visits = new Map<FnFacts, number>();
    for (let qi = 0; qi < queue.length; qi++) {
      const f = queue[qi];
      queued.delete(f);
      const v = (visits.get(f) ?? 0) + 1;
      visits.set(f, v);
      if (v > MAX_VISITS) continue;
      const effects = effectsOf(f, this);
      if (this.perFn.has(f) && sig(effects) === sig(this.perFn.get(f)!)) continue;
      this.perFn.set(f, effects);
      for (const caller of callers.get(f.name) ?? []) enqueue(caller);
    }
    this.prevByKey = new Map();
    for (const f of this.relevant) this.prevByKey.set(f.key, { name: f.name, effects: this.perFn.get(f) ?? [] });
  }
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
      if (e.role === 'hotplug-state') continue;
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
  return out;
}

function key(e: SummaryEffect): string {
  return `${e.role}|${e.cpu}|${e.entry.name}|${e.entry.source}|${e.returnsStatus ? 1 : 0}|${e.guarded ? 1 : 0}`;
}

function mergeInto(into: SummaryEffect[], add: readonly SummaryEffect[]): void {
  for (const e of add) {
    const k = key(e);
    const i = into.findIndex((x) => key(x) === k);
    if (i < 0) {
      if (into.length < MAX_EFFECTS) into.push(e);
    } else if (into[i].may && !e.may) into[i] = { ...into[i], may: undefined };
  }
}

function sig(effects: readonly SummaryEffect[]): string {
  return effects.map((e) => `${key(e)}|${e.may ? 1 : 0}`).join(';');
}
