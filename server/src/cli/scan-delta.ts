// A rescan that parses only the changed files (scan --cache). Every other file the cached run analysed takes part
// through its kept summaries (core/frozen.ts), and keeps its cached findings. This is used only when the change
// cannot reach another file's result; otherwise the caller rescans with the cache's help (docs/performance.md).
import { KnowledgeBase } from '../core/kb/kb';
import { CHECKED_ROLES } from '../core/admission';
import { type FileSummary, type FrozenFile, freezeFile, frozenKey, NotLoaded, thawFile } from '../core/frozen';
import { Project } from '../core/project';
import { sig } from '../core/summaries';
import type { SummaryEffect } from '../core/events';
import type { FnFacts } from '../core/functions';
import type { Finding } from '../core/types';
import { readSource } from './scan-fast';
import { searchFiles, type SearchBackend } from './scan-workers';
import type { ScanCacheData } from './scan-cache';

export interface DeltaOptions {
  kb: KnowledgeBase;
  maxFileSize: number;
  functionBudgetMs?: number;
  onWarning?: (message: string) => void;
  search?: SearchBackend;
  workers?: number;
}

export interface DeltaResult {
  findings: Finding[];
  functions: number;
  analysis: Record<string, FrozenFile>;
  tokens: string[];
  hits: string[];
  memberOnly: string[];
  warnings: string[];
  parsed: number;
}

/** Why the changed files alone could not be rescanned. */
export interface DeltaRefused {
  refused: string;
  /** Unchanged files whose parse would lift this refusal (they are rescanned too, next attempt). */
  widen?: string[];
}

/** At most this many files are parsed, in at most this many attempts, before the full rescan is preferred. */
const MAX_FILES = 64;
const MAX_ATTEMPTS = 4;

type Def = { name: string; file: string; synthetic?: boolean; isStatic: boolean; effects: readonly SummaryEffect[] };

/**
 * `files`: the scan's files in scan order; `changed`: the added, removed or modified files that may matter.
 * Why the result equals a full scan's, when it is returned (docs/performance.md, item 7):
 * - every definition of a cached token is in a file the cached run analysed, so the parsed files' calls resolve
 *   as in a full scan, to kept summaries;
 * - a name defined in a parsed file, or a field stored there (or holding such a name), whose definitions or stores
 *   as others see them (file, linkage, summary) differ, is named by no other file (a raw search);
 * - a kept function that depends on the parsed files and that they call back does not hold their summaries up
 *   (they come out the same with its summary emptied);
 * - a changed file makes no new call through a token field (the stores nearest to it may not be among the kept).
 */
export async function deltaScan(files: readonly string[], roots: string[], cache: Cache, changed: readonly string[], o: DeltaOptions): Promise<DeltaResult | DeltaRefused> {
  // A refusal that other files' parse lifts (they name what changed, or depend on it) widens the set and tries again.
  let extra: string[] = [];
  for (let attempt = 1; ; attempt++) {
    const r = await deltaOnce(files, roots, cache, [...changed, ...extra], new Set(changed), o);
    if ('findings' in r) {
      for (const w of r.newWarnings) o.onWarning?.(w);
      return r;
    }
    const more = (r.widen ?? []).filter((f) => !changed.includes(f) && !extra.includes(f));
    if (!more.length) return r;
    if (attempt >= MAX_ATTEMPTS || changed.length + extra.length + more.length > MAX_FILES) return { refused: `${r.refused}, and more than ${attempt >= MAX_ATTEMPTS ? `${MAX_ATTEMPTS} attempts` : `${MAX_FILES} files`} would be needed` };
    extra = [...extra, ...more];
  }
}

type Cache = ScanCacheData & { analysis: Record<string, FrozenFile> };

/** One attempt with the files `changed` (changed, or unchanged but parsed again) parsed, the others frozen. */
async function deltaOnce(files: readonly string[], roots: string[], cache: Cache, changed: readonly string[], edited: ReadonlySet<string>, o: DeltaOptions): Promise<(DeltaResult & { newWarnings: string[] }) | DeltaRefused> {
  const { kb } = o;
  const D = new Set(changed);
  const changedInOrder = [...D].sort();
  const tokens = new Set(cache.tokens);
  const warnings: string[] = [];
  const warn = (m: string) => warnings.push(m);
  const project = new Project(kb, { functionBudgetMs: o.functionBudgetMs });
  const texts = new Map<string, string>();
  const kept: string[] = [];
  for (const f of files) {
    if (D.has(f)) {
      const text = readSource(f, o.maxFileSize, warn);
      if (text === undefined) continue;
      project.setFile(f, text);
      texts.set(f, text);
    } else if (cache.analysis[f]) {
      project.setFrozenFile(f, cache.analysis[f]);
      kept.push(f);
    }
  }
  const loaded = [...texts.keys()];
  try {
    const now = new Map<string, FileSummary>(loaded.map((f) => [f, project.fileSummary(f)!]));
    const before = (f: string) => cache.analysis[f] && thawFile(f, cache.analysis[f], kb);
    const defsBefore: Def[] = [];
    const storesBefore: [string, string][] = [];
    const defsNow: Def[] = [];
    const storesNow: [string, string][] = [];
    for (const f of changedInOrder) {
      const b = before(f);
      if (b) {
        for (const fn of b.functions) defsBefore.push(defOf(fn, fn.frozen!.effects));
        for (const s of b.stores) storesBefore.push([s.field, s.target]);
      }
      const n = now.get(f);
      if (n) {
        for (const { fn, effects } of n.functions) defsNow.push(defOf(fn, effects ?? []));
        for (const s of n.stores) storesNow.push([s.field, s.target]);
      }
    }
    // Names that have a summary somewhere, before or after: only their definitions and stores can move a result.
    const matter = new Set(tokens);
    for (const d of [...defsBefore, ...defsNow]) if (d.effects.length) matter.add(d.name);
    const moved = new Set<string>();
    const byName = (defs: Def[]) => group(defs.filter((d) => matter.has(d.name)), (d) => d.name, (d) => `${d.file}|${d.synthetic ? 1 : 0}|${d.isStatic ? 1 : 0}|${sig(d.effects)}`);
    diff(byName(defsBefore), byName(defsNow), moved);
    const byField = (stores: [string, string][]) => group(stores.filter(([, t]) => matter.has(t)), ([f]) => f, ([, t]) => t, true);
    diff(byField(storesBefore), byField(storesNow), moved);
    const keptFns: FnFacts[] = [];
    const keptStores: [string, string][] = [];
    for (const f of kept) {
      const s = project.fileSummary(f)!;
      for (const { fn } of s.functions) keptFns.push(fn);
      for (const x of s.stores) keptStores.push([x.field, x.target]);
    }
    // A field holding a name whose summaries differ: its callers see the difference without naming that name.
    for (const [field, target] of [...storesBefore, ...storesNow, ...keptStores]) if (moved.has(target)) moved.add(field);

    // A new call through a token field: the stores nearest to it may be in files the cached run did not analyse
    // (it analysed the ones nearest to every caller it found: the unchanged files, and this file before the change).
    const fieldTokens = new Set([...tokens, ...kb.tokens()]);
    for (const f of loaded) {
      if (!edited.has(f)) continue;
      const known = new Set((cache.analysis[f]?.functions ?? []).flatMap((x) => x.fields));
      for (const { fn } of now.get(f)!.functions) {
        const via = [...fn.calledFields].find((x) => fieldTokens.has(x) && !known.has(x));
        if (via) return { refused: `${f}: calls through the field \`${via}\`` };
      }
    }

    // Kept functions that depend on what the changed files define: none may be called back from those files.
    const withEffects = new Set(defsNow.filter((d) => d.effects.length).map((d) => d.name));
    const hotFields = new Set(storesNow.filter(([, t]) => withEffects.has(t)).map(([f]) => f));
    const dependent = dependents(keptFns, keptStores, withEffects, hotFields);
    let back: string | undefined;
    for (const f of loaded) {
      for (const { fn } of now.get(f)!.functions) {
        const n = [...fn.calledNames].find((x) => dependent.names.has(x)) ?? [...fn.calledFields].find((x) => dependent.fields.has(x));
        if (n && !back) back = `${f}: \`${fn.name}\` calls \`${n}\`, which depends on the changed files`;
      }
    }
    // Called back: the changed files' summaries must come out the same with those kept summaries emptied, so that
    // they do not rest on them (then the kept ones are still the least fixpoint: nothing they read has moved).
    if (back && !grounded(files, cache, texts, new Set(kept), now, dependent.fns, o)) return { refused: back, widen: calledBack(loaded, now, keptFns, keptStores, dependent.fns) };
    if (moved.size) {
      const rest = files.filter((f) => !D.has(f));
      const named = await searchFiles(rest, [...moved], { backend: o.search, workers: o.workers, roots }, { backend: 'js-main' });
      if (named.length) return { refused: `${named.length} other file(s) name what changed (${[...moved].slice(0, 5).join(', ')})`, widen: named };
    }
    // Cached findings that point into a changed file would keep stale positions.
    const others = cache.findings.filter((x) => !D.has(x.file));
    const pointing = others.filter((x) => x.related.some((r) => D.has(r.file)));
    if (pointing.length) return { refused: 'a kept finding points into a changed file', widen: [...new Set(pointing.map((x) => x.file))] };
    const findings = [...others];
    for (const f of loaded) findings.push(...project.findings(f));

    const analysis: Record<string, FrozenFile> = {};
    for (const f of files) {
      if (D.has(f)) {
        const n = now.get(f);
        if (n) analysis[f] = freezeFile(n, kb);
      } else if (cache.analysis[f]) analysis[f] = cache.analysis[f];
    }
    // The names a scan of the new tree would search for: the cached ones, and what now has a checked summary.
    const checked = new Set(defsNow.filter((d) => d.effects.some((e) => CHECKED_ROLES.has(e.role))).map((d) => d.name));
    const newTokens = new Set([...tokens, ...checked, ...storesNow.filter(([, t]) => checked.has(t)).map(([f]) => f)]);
    const present = new Set(files);
    const hits = new Set([...cache.hits.filter((f) => present.has(f)), ...loaded]);
    const oldWarnings = cache.warnings.filter((w) => !changedInOrder.some((f) => w.startsWith(`${f}: `)));
    let functions = 0;
    for (const a of Object.values(analysis)) functions += a.functions.length;
    // a field searched as a member only, now a function's name, was searched everywhere by the check of what moved
    const memberOnly = (cache.memberOnly ?? []).filter((t) => !checked.has(t));
    return { findings, functions, analysis, tokens: [...newTokens], hits: [...hits], memberOnly, warnings: [...oldWarnings, ...warnings], parsed: loaded.length, newWarnings: warnings };
  } catch (e) {
    if (e instanceof NotLoaded) return { refused: `the analysis needed the parse of ${e.file}`, widen: [e.file] };
    throw e;
  }
}

/** Files of the kept functions in `among` that the changed files reach by their calls, directly or through kept ones. */
function calledBack(loaded: string[], now: Map<string, FileSummary>, fns: FnFacts[], stores: [string, string][], among: ReadonlySet<FnFacts>): string[] {
  const byName = groupBy(fns, (fn) => fn.name, (fn) => fn);
  const targets = groupBy(stores, ([f]) => f, ([, t]) => t);
  const seen = new Set<FnFacts>();
  const stack: FnFacts[] = [];
  const visit = (fn: FnFacts) => {
    for (const n of [...fn.calledNames, ...[...fn.calledFields].flatMap((x) => targets.get(x) ?? [])]) {
      for (const g of byName.get(n) ?? []) if (!seen.has(g)) {
        seen.add(g);
        stack.push(g);
      }
    }
  };
  for (const f of loaded) for (const { fn } of now.get(f)!.functions) visit(fn);
  while (stack.length) visit(stack.pop()!);
  return [...new Set([...seen].filter((g) => among.has(g)).map((g) => g.file))];
}

/** Whether the parsed files' summaries are the same with the kept summaries of `emptied` dropped. */
function grounded(files: readonly string[], cache: Cache, texts: Map<string, string>, kept: ReadonlySet<string>, now: Map<string, FileSummary>, emptied: ReadonlySet<FnFacts>, o: DeltaOptions): boolean {
  const p = new Project(o.kb, { functionBudgetMs: o.functionBudgetMs });
  const keys = new Set([...emptied].map((fn) => fn.key));
  for (const f of files) {
    const text = texts.get(f);
    if (text !== undefined) p.setFile(f, text);
    else if (kept.has(f)) {
      const a = cache.analysis[f];
      p.setFrozenFile(f, { ...a, functions: a.functions.map((x, i) => (keys.has(frozenKey(f, x.name, i)) ? { ...x, effects: undefined } : x)) });
    }
  }
  for (const [f, n] of now) {
    const b = p.fileSummary(f)!.functions;
    if (n.functions.length !== b.length || n.functions.some((x, i) => sig(x.effects ?? []) !== sig(b[i].effects ?? []))) return false;
  }
  return true;
}

/** Values grouped by key, in the order met. */
function groupBy<T, V>(items: Iterable<T>, key: (x: T) => string, value: (x: T) => V): Map<string, V[]> {
  const m = new Map<string, V[]>();
  for (const x of items) {
    const k = key(x);
    const l = m.get(k);
    if (l) l.push(value(x));
    else m.set(k, [value(x)]);
  }
  return m;
}

function defOf(fn: FnFacts, effects: readonly SummaryEffect[]): Def {
  return { name: fn.name, file: fn.file, synthetic: fn.synthetic, isStatic: fn.isStatic, effects };
}

/** Per key, the values in order (or sorted: a multiset). */
function group<T>(items: T[], key: (x: T) => string, value: (x: T) => string, sorted = false): Map<string, string> {
  return new Map([...groupBy(items, key, value)].map(([k, l]) => [k, (sorted ? l.sort() : l).join('\n')]));
}

function diff(a: Map<string, string>, b: Map<string, string>, out: Set<string>): void {
  for (const [k, v] of a) if (b.get(k) !== v) out.add(k);
  for (const k of b.keys()) if (!a.has(k)) out.add(k);
}

/** Kept functions whose summary can depend on `names` or `fields` (callers, transitively), their names, and the fields that store them. */
function dependents(fns: FnFacts[], stores: [string, string][], names: Set<string>, fields: Set<string>): { names: Set<string>; fields: Set<string>; fns: Set<FnFacts> } {
  const outNames = new Set<string>();
  const outFields = new Set<string>();
  const fieldsOf = groupBy(stores, ([, t]) => t, ([f]) => f);
  const done = new Set<FnFacts>();
  for (let grew = names.size > 0 || fields.size > 0; grew; ) {
    grew = false;
    for (const fn of fns) {
      if (done.has(fn)) continue;
      const hit = [...fn.calledNames].some((n) => names.has(n) || outNames.has(n)) || [...fn.calledFields].some((x) => fields.has(x) || outFields.has(x));
      if (!hit) continue;
      done.add(fn);
      grew = true;
      outNames.add(fn.name);
      for (const f of fieldsOf.get(fn.name) ?? []) outFields.add(f);
    }
  }
  return { names: outNames, fields: outFields, fns: done };
}
