// The admission gate of the token prefilter: of the files that name a token, which must be parsed now.
// A file is parsed only if one of its token occurrences can change a finding; the others are kept as
// pending records (their token calls) and judged again whenever the summaries change (docs/performance.md).
import type { KnowledgeBase } from './kb/kb';
import type { Project } from './project';
import type { Resolver } from './events';
import { storesOf as exactStores } from './functions';
import { NearestIndex } from './nearest-index';
import { callArguments, type CallNames, mayBeDeclaredBefore, occurrencesIn } from './occurrences';
import { identifierArgument, kbCallMayApply, namesInArguments } from './when-text';

/**
 * Roles the checks look at. 'ipi-send' is for the simulator: no check reads it, so names whose only
 * effect is a send cannot change a finding and need not widen the prefilter.
 */
export const CHECKED_ROLES: ReadonlySet<string> = new Set(['online-sync', 'online-kick', 'online-direct', 'ipi-setup', 'offline', 'offline-wait', 'ipi-teardown', 'hotplug-state']);

/** Knowledge-base tokens of the roles the checks look at (names, and fields of calls through pointers). */
export function checkedTokens(kb: KnowledgeBase): Set<string> {
  const out = new Set<string>();
  for (const e of kb.entries) if (CHECKED_ROLES.has(e.role)) out.add(e.kind === 'field' ? e.name.slice(e.name.lastIndexOf('.') + 1) : e.name);
  return out;
}

/** A file that names tokens only in calls that resolve to nothing with events (yet). */
interface Pending {
  calls: string[];
  fieldCalls: string[];
}

export class AdmissionGate {
  private readonly pending = new Map<string, Pending>();
  /** Per token used as a field: the files that call it, and the files that store into it (the analysis's `storesOf`). */
  private readonly fieldCallers = new Map<string, Set<string>>();
  private readonly storeFiles = new Map<string, Set<string>>();
  /** Per field, the caller and store counts its nearest stores were last computed for. */
  private readonly storesDone = new Map<string, number>();
  private readonly kbFields: Set<string>;

  constructor(private readonly kb: KnowledgeBase) {
    this.kbFields = kb.tokens();
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /**
   * Records what `text` does with `tokens` (found by `pattern`, from identifierPattern); true when the file must be
   * parsed now: it may define a token (a definition can shadow farther ones), stores a token (its field becomes a
   * token), or calls a knowledge-base name or field. Otherwise its token calls are kept as a pending record.
   */
  classify(file: string, text: string, tokens: ReadonlySet<string>, pattern: RegExp): boolean {
    const occ = this.record(file, text, tokens, pattern, this.callNames);
    let parse = occ.defines.size > 0 || (occ.assignedFrom && looseStores(text).some(([, target]) => tokens.has(target)));
    parse ||= [...occ.calls].some((n) => this.kb.forFunction(n).length > 0) || [...occ.fieldCalls].some((f) => this.kbFields.has(f));
    if (parse || (occ.calls.size === 0 && occ.fieldCalls.size === 0)) this.pending.delete(file);
    else this.pending.set(file, { calls: [...occ.calls], fieldCalls: [...occ.fieldCalls] });
    return parse;
  }

  /** Records a parsed file's field calls and field stores of new tokens (what `due` needs to know of it). */
  record(file: string, text: string, tokens: ReadonlySet<string>, pattern: RegExp, callNames?: CallNames): ReturnType<typeof occurrencesIn> {
    const occ = occurrencesIn(text, pattern, callNames);
    for (const f of occ.fieldCalls) addTo(this.fieldCallers, f, file);
    if (occ.fieldAssigned) for (const s of exactStores(file, text)) if (tokens.has(s.field)) addTo(this.storeFiles, s.field, file);
    return occ;
  }

  /**
   * What a call of a knowledge-base name is recorded as. One whose `when` conditions cannot hold there
   * (cpumask_set_cpu on another mask): nothing, it has no events and such a name is never summarised. A hot-plug
   * state registration: the names in its arguments, since it matters (HP004) only once its startup callback has a
   * summary, and it gives its caller none, unless the callback may be the caller's parameter (then its caller is a
   * registration wrapper, with a summary). Otherwise the name, which gets the file parsed.
   */
  private readonly callNames: CallNames = (name, code, open, budget) => {
    const entries = this.kb.forFunction(name);
    if (!entries.length) return [name];
    const args = callArguments(code, open, budget);
    if (args === undefined) return [name];
    if (!kbCallMayApply(this.kb, name, args)) return [];
    if (entries.every((e) => e.role === 'hotplug-state') && !/\/[*/]/.test(args)) {
      // A startup callback that may be the enclosing function's (or macro's) parameter makes that a registration
      // wrapper, which has a summary of its own (xen_cpuhp_setup(cb, ...)): parse.
      for (const e of entries) {
        const cb = e.callbacks && identifierArgument(args, e.callbacks.startup);
        if (cb && cb !== 'NULL' && mayBeDeclaredBefore(code, cb, open, budget)) return [name];
      }
      return namesInArguments(args);
    }
    return [name];
  };

  /** The file was parsed (or cannot be): no longer pending. */
  admitted(file: string): void {
    this.pending.delete(file);
  }

  /**
   * Files not parsed that must be now: the stores nearest to a token field's callers (so that calls through the
   * field resolve as in a full parse); when there are none, pending files whose calls now resolve to events.
   */
  due(isParsed: (file: string) => boolean, resolver: () => Resolver): string[] {
    const stores = this.storesDue(isParsed);
    return stores.length ? stores : this.callsDue(resolver);
  }

  /** The files holding stores nearest to a token field's callers, among those `isDone` does not know. */
  storesDue(isDone: (file: string) => boolean): string[] {
    const out = new Set<string>();
    for (const [field, callers] of this.fieldCallers) {
      const at = this.storeFiles.get(field);
      const n = callers.size * 1_000_003 + (at?.size ?? 0);
      if (!at || this.storesDone.get(field) === n) continue;
      this.storesDone.set(field, n);
      const index = new NearestIndex(at);
      for (const c of callers) for (const s of index.nearestTo(c)) if (!isDone(s)) out.add(s);
    }
    return [...out];
  }

  /** Pending files whose calls now resolve to something with events. */
  callsDue(resolver: () => Resolver): string[] {
    const out = new Set<string>();
    const r = resolver();
    const named = (n: string, file: string) => this.kb.forFunction(n).length > 0 || !!r.summary(n, file);
    for (const [file, p] of this.pending) {
      if (p.calls.some((n) => named(n, file)) || p.fieldCalls.some((f) => this.kbFields.has(f) || r.fieldTargets(f, file).some((t) => named(t, file)))) out.add(file);
    }
    return [...out];
  }
}

/**
 * `.field = name`, `->field = &name`, `x.field = (name)`: a superset of the analysis's ops-table stores
 * (a field on the left, a bare identifier on the right, not a call).
 */
const LOOSE_STORE = /(?:\.|->)\s*(\w+)\s*=\s*[(&\s]*([A-Za-z_]\w*)\b(?!\s*\()/g;

export function looseStores(text: string): [string, string][] {
  const out: [string, string][] = [];
  for (const m of text.matchAll(LOOSE_STORE)) out.push([m[1], m[2]]);
  return out;
}

function addTo<K, V>(m: Map<K, Set<V>>, k: K, v: V): void {
  const s = m.get(k);
  if (s) s.add(v);
  else m.set(k, new Set([v]));
}

/** (field, stored name) pairs of each text, kept while the text is the same object's content. */
export type StoreCache = Map<string, { text: string; pairs: [string, string][] }>;

/**
 * Names that can make another file relevant: functions with a summary in any of `files`, and the fields
 * they are stored in. All indexed files, not just the newest: a new file can give an old function a summary.
 */
export function relevantNames(project: Project, files: Iterable<string>, cache: StoreCache = new Map()): Set<string> {
  const { names, fields } = relevantNameKinds(project, files, cache);
  for (const f of fields) names.add(f);
  return names;
}

/** relevantNames, the functions and the fields apart: a file can use a field only as a member (`.f`, `->f`). */
export function relevantNameKinds(project: Project, files: Iterable<string>, cache: StoreCache = new Map()): { names: Set<string>; fields: Set<string> } {
  const names = new Set<string>();
  const fields = new Set<string>();
  const list = [...files];
  for (const file of list) {
    for (const fn of project.functions(file)) {
      if (!names.has(fn.name) && project.summary(fn.name)?.some((e) => CHECKED_ROLES.has(e.role))) names.add(fn.name);
    }
  }
  if (!names.size) return { names, fields };
  for (const file of list) {
    const text = project.parsed(file)?.text ?? '';
    let c = cache.get(file);
    if (!c || c.text !== text) {
      c = { text, pairs: looseStores(text) };
      cache.set(file, c);
    }
    for (const [field, target] of c.pairs) if (names.has(target)) fields.add(field);
  }
  return { names, fields };
}
