// Function summaries: the role effects a function has on its parameters or on 'self', to a bounded fixpoint.
import type { KnowledgeBase } from './kb/kb';
import { eventsOf, Resolver, SummaryEffect } from './events';
import { FieldStore, FnFacts, mustNodes } from './functions';
import { SELF } from './cpu-identity';

export type { SummaryEffect } from './events';

const MAX_EFFECTS = 32;
const MAX_VISITS = 25;

export class SummaryTable implements Resolver {
  private readonly byName = new Map<string, SummaryEffect[]>();
  private readonly fields = new Map<string, string[]>();

  constructor(readonly kb: KnowledgeBase) {}

  summary(name: string): readonly SummaryEffect[] | undefined {
    const s = this.byName.get(name);
    return s && s.length ? s : undefined;
  }

  fieldTargets(field: string): readonly string[] {
    return this.fields.get(field) ?? [];
  }

  names(): IterableIterator<string> {
    return this.byName.keys();
  }

  /** Signature of one summary, to detect changes. */
  signature(name: string): string {
    return sig(this.byName.get(name) ?? []);
  }

  /** Recomputes every summary from scratch (worklist over the call graph, bounded per function). */
  compute(fns: readonly FnFacts[], stores: readonly FieldStore[]): void {
    this.byName.clear();
    this.fields.clear();
    for (const s of stores) {
      const l = this.fields.get(s.field) ?? [];
      if (!l.includes(s.target)) l.push(s.target);
      this.fields.set(s.field, l);
    }
    const byName = new Map<string, FnFacts[]>();
    for (const f of fns) {
      const l = byName.get(f.name) ?? [];
      l.push(f);
      byName.set(f.name, l);
    }
    // Reverse call graph: callee name -> callers.
    const callers = new Map<string, Set<FnFacts>>();
    const addCaller = (callee: string, f: FnFacts) => {
      let s = callers.get(callee);
      if (!s) callers.set(callee, (s = new Set()));
      s.add(f);
    };
    for (const f of fns) {
      for (const c of f.calls) {
        if (c.name !== undefined) addCaller(c.name, f);
        else if (c.field !== undefined) for (const t of this.fieldTargets(c.field)) addCaller(t, f);
      }
    }
    const queue: string[] = [...byName.keys()];
    const queued = new Set(queue);
    const visits = new Map<string, number>();
    while (queue.length) {
      const name = queue.shift()!;
      queued.delete(name);
      const v = (visits.get(name) ?? 0) + 1;
      visits.set(name, v);
      if (v > MAX_VISITS) continue;
      const effects: SummaryEffect[] = [];
      for (const f of byName.get(name) ?? []) mergeInto(effects, effectsOf(f, this));
      const before = sig(this.byName.get(name) ?? []);
      if (sig(effects) === before) continue;
      this.byName.set(name, effects);
      for (const caller of callers.get(name) ?? []) {
        if (!queued.has(caller.name)) {
          queued.add(caller.name);
          queue.push(caller.name);
        }
      }
    }
  }
}

/** The effects of one function, from its call sites' events, mapped to parameters or 'self'. */
export function effectsOf(f: FnFacts, r: Resolver): SummaryEffect[] {
  const out: SummaryEffect[] = [];
  let must: Set<number> | undefined;
  for (const c of f.calls) {
    const evs = eventsOf(c, r);
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
