// The optimised scan: token prefilter (widened to summarised names until nothing changes), raw search by
// ripgrep or worker threads, and only the top-level regions that can matter handed to the parser.
// Findings are the same as the plain scan's (test/unit/perf); positions are mapped back to the real text.
import * as fs from 'fs';
import * as v8 from 'v8';
import * as vm from 'vm';
import { KnowledgeBase } from '../core/kb/kb';
import { Project } from '../core/project';
import {
  compactText,
  identifierPattern,
  type Layout,
  layoutOf,
  lineStartsOf,
  prefilterFixpoint,
  type PrefilterRound,
  regionsWithMatch,
  remapOffset,
} from '../core/prefilter';
import type { Finding, Span } from '../core/types';
import { searchFiles, type SearchBackend, type SearchStats } from './scan-workers';

export interface FastScanOptions {
  kb?: KnowledgeBase;
  maxFileSize?: number;
  functionBudgetMs?: number;
  onWarning?: (message: string) => void;
  /** Raw search: 'auto' (ripgrep if installed), 'rg' or 'js'. */
  search?: SearchBackend;
  /** Threads for the JS search; 1 = main thread. */
  workers?: number;
  /** Called after each prefilter round (progress, benchmarks). */
  onRound?: (r: PrefilterRound) => void;
  /** Hand only the regions with a relevant name to the parser (default true). */
  compact?: boolean;
  /** Drop admitted files that cannot matter after each chunk (default true), bounding memory. */
  evict?: boolean;
  /** Files admitted at a time before eviction (default 300). */
  chunk?: number;
}

export interface FastScanStats {
  /** Files that passed the prefilter and were parsed. */
  admitted: number;
  rounds: PrefilterRound[];
  tokens: number;
  search: SearchStats['backend'];
  /** Characters handed to the parser, and in the admitted files. */
  parsedChars: number;
  admittedChars: number;
}

interface Admitted {
  text: string;
  layout?: Layout;
  keep?: Set<number>;
  /** What was handed to the parser. */
  parsedText: string;
}

const DEFAULT_MAX = 5 * 1024 * 1024;

/** Analyses `files` (collected by the caller, in scan order) with the prefilter; returns findings per file order. */
export async function fastScan(files: readonly string[], roots: string[], options: FastScanOptions = {}): Promise<{ findings: Finding[]; loaded: string[]; functions: number; stats: FastScanStats }> {
  const kb = options.kb ?? KnowledgeBase.builtin();
  const max = options.maxFileSize ?? DEFAULT_MAX;
  const compact = options.compact ?? true;
  const searchStats: SearchStats = { backend: 'js-main' };
  const admitted = new Map<string, Admitted>();
  const skipped = new Set<string>();
  const order = new Map(files.map((f, i) => [f, i]));
  let scratch = new Project(kb, { functionBudgetMs: options.functionBudgetMs });
  let pattern: RegExp | undefined;
  const seenTokens = new Set<string>();
  /** Per admitted file: its `field = function` stores (cached until its parsed text changes). */
  const stores = new Map<string, [string, string][]>();
  const evict = options.evict ?? true;
  const chunk = Math.max(1, options.chunk ?? 300);
  /** Resolution signatures taken when files were evicted (see `signatures`). */
  const snapshots: Map<string, string>[] = [];

  const load = (file: string): string | undefined => {
    let buf: Buffer;
    try {
      if (fs.statSync(file).size > max) {
        options.onWarning?.(`${file}: skipped, larger than ${max} bytes`);
        return undefined;
      }
      buf = fs.readFileSync(file);
    } catch (err) {
      options.onWarning?.(`${file}: ${(err as Error).message}`);
      return undefined;
    }
    if (buf.includes(0)) {
      options.onWarning?.(`${file}: skipped, binary file`);
      return undefined;
    }
    return buf.toString('utf8');
  };

  const prepare = (text: string, st?: Admitted): Admitted => {
    if (!compact) return { text, parsedText: text };
    const layout = st?.layout ?? layoutOf(text);
    const keep = regionsWithMatch(text, layout, pattern);
    return { text, layout, keep, parsedText: compactText(text, layout, keep) };
  };

  const result = await prefilterFixpoint(files, checkedTokens(kb), {
    search: (rest, fresh) => searchFiles(rest, fresh, { backend: options.search, workers: options.workers, roots }, searchStats),
    admit: async (add, all) => {
      const fresh = [...all].filter((t) => !seenTokens.has(t));
      for (const t of fresh) seenTokens.add(t);
      pattern = identifierPattern(all);
      // Files admitted earlier: regions that now hold a new name must be parsed too.
      const freshPattern = identifierPattern(fresh);
      if (freshPattern) {
        for (const [file, st] of admitted) {
          if (!st.layout || !st.keep) continue;
          const more = regionsWithMatch(st.text, st.layout, freshPattern);
          if ([...more].every((r) => st.keep!.has(r))) continue;
          const keep = new Set([...st.keep, ...more]);
          const next: Admitted = { text: st.text, layout: st.layout, keep, parsedText: compactText(st.text, st.layout, keep) };
          admitted.set(file, next);
          stores.delete(file);
          scratch.setFile(file, next.parsedText);
        }
      }
      const evicted: string[] = [];
      let dropped = 0; // evictions already covered by a snapshot
      let names: Set<string> | undefined;
      for (let i = 0; i < add.length; i += chunk) {
        const part = add.slice(i, i + chunk);
        for (const file of part) {
          if (skipped.has(file)) continue;
          const text = load(file);
          if (text === undefined) {
            skipped.add(file);
            continue;
          }
          const st = prepare(text);
          if (evict && st.keep && st.keep.size === 0) {
            // The search matched inside a longer word only: no region names a token, so nothing here can matter.
            evicted.push(file);
            continue;
          }
          admitted.set(file, st);
          scratch.setFile(file, st.parsedText);
        }
        names = relevantNames(scratch, admitted, stores);
        if (!evict) continue;
        const tokens = new Set([...all, ...names]);
        const drop = part.filter((f) => admitted.has(f) && !matters(scratch, f, admitted.get(f)!.parsedText, tokens, stores));
        for (const f of drop) {
          scratch.removeFile(f);
          admitted.delete(f);
          stores.delete(f);
        }
        if (drop.length || evicted.length > dropped) {
          evicted.push(...drop);
          dropped = evicted.length;
          snapshots.push(signatures(scratch, admitted, stores, tokens));
          // Evicted trees are native memory the heap does not see: collect now so RSS stays bounded.
          collectGarbage();
        }
      }
      names ??= relevantNames(scratch, admitted, stores);
      if (!evict || snapshots.length === 0) return names; // nothing evicted yet
      // Names and fields whose resolution changed since a file was judged irrelevant: search for them again.
      const now = signatures(scratch, admitted, stores, new Set([...all, ...names]));
      const again = new Set<string>();
      for (const snap of snapshots) for (const [t, sig] of snap) if (now.get(t) !== sig) again.add(t);
      // Files evicted so far were judged against a state no later than this one.
      snapshots.length = 0;
      snapshots.push(now);
      return { names, again, evicted };
    },
  }, options.onRound);

  // The project proper, with files in scan order (the analysis reports the first set-up site it meets).
  const inOrder = [...admitted.keys()].sort((a, b) => order.get(a)! - order.get(b)!);
  let project = scratch;
  if (!sameOrder(scratch.files(), inOrder)) {
    project = new Project(kb, { functionBudgetMs: options.functionBudgetMs });
    for (const f of inOrder) {
      scratch.removeFile(f); // its tree can be collected while the rest is rebuilt
      project.setFile(f, admitted.get(f)!.parsedText);
    }
  }
  scratch = project;
  const lineStarts = new Map<string, number[]>();
  for (const [f, st] of admitted) if (st.parsedText !== st.text) lineStarts.set(f, lineStartsOf(st.text));
  const findings: Finding[] = [];
  let functions = 0;
  let parsedChars = 0;
  let admittedChars = 0;
  for (const f of inOrder) {
    for (const x of project.findings(f)) findings.push(lineStarts.size ? remapFinding(x, lineStarts) : x);
    functions += project.functions(f).length;
    parsedChars += admitted.get(f)!.parsedText.length;
    admittedChars += admitted.get(f)!.text.length;
  }
  return {
    findings,
    loaded: inOrder,
    functions,
    stats: { admitted: inOrder.length, rounds: result.rounds, tokens: result.tokens.length, search: searchStats.backend, parsedChars, admittedChars },
  };
}

/**
 * Roles the checks look at. 'ipi-send' is for the simulator: no check reads it, so names whose only
 * effect is a send cannot change a finding and need not widen the prefilter.
 */
const CHECKED_ROLES = new Set<string>(['online-sync', 'online-kick', 'online-direct', 'ipi-setup', 'offline', 'offline-wait', 'ipi-teardown', 'hotplug-state']);

/** Knowledge-base tokens of the roles the checks look at (names, and fields of calls through pointers). */
export function checkedTokens(kb: KnowledgeBase): Set<string> {
  const out = new Set<string>();
  for (const e of kb.entries) {
    if (!CHECKED_ROLES.has(e.role)) continue;
    out.add(e.kind === 'field' ? e.name.slice(e.name.lastIndexOf('.') + 1) : e.name);
  }
  return out;
}

function sameOrder(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Names that can make another file relevant: functions with a summary, and the fields they are stored in. */
export function relevantNames(project: Project, admitted: Map<string, { parsedText: string }>, cache = new Map<string, [string, string][]>()): Set<string> {
  const names = new Set<string>();
  for (const file of admitted.keys()) {
    for (const fn of project.functions(file)) {
      if (names.has(fn.name)) continue;
      if (project.summary(fn.name)?.some((e) => CHECKED_ROLES.has(e.role))) names.add(fn.name);
    }
  }
  if (names.size === 0) return names;
  const fields = new Set<string>();
  for (const [file, st] of admitted) {
    let pairs = cache.get(file);
    if (!pairs) cache.set(file, (pairs = storesOf(st.parsedText)));
    for (const [field, target] of pairs) if (names.has(target)) fields.add(field);
  }
  for (const f of fields) names.add(f);
  return names;
}

/**
 * `.field = name`, `->field = &name`, `x.field = (name)`: a superset of the analysis's ops-table stores
 * (a field on the left, a bare identifier on the right, not a call).
 */
const STORE = /(?:\.|->)\s*(\w+)\s*=\s*[(&\s]*([A-Za-z_]\w*)\b(?!\s*\()/g;

function storesOf(text: string): [string, string][] {
  const out: [string, string][] = [];
  for (const m of text.matchAll(STORE)) out.push([m[1], m[2]]);
  return out;
}

let gc: (() => void) | undefined;
function collectGarbage(): void {
  if (!gc) {
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc') as () => void;
  }
  gc();
}

/** Calls in a text: [field?, name]; a superset of the analysis's call sites (prototypes count too). */
const CALL = /(\.|->)?\s*\b([A-Za-z_]\w*)\s*\(/g;

/**
 * Whether an admitted file can matter to the findings: it defines a token name (a definition shadows farther
 * ones), stores into a token field (the nearest stores win), or makes a call that can have an event (a KB
 * name or field, or a name or field that resolves, from this file, to a summarised function).
 * A file that does none of these adds nothing; any later change that could alter this comes with a new token
 * it contains, or with a changed signature of a token it contains (both searched again).
 */
export function matters(project: Project, file: string, parsedText: string, tokens: ReadonlySet<string>, cache: Map<string, [string, string][]>): boolean {
  for (const fn of project.functions(file)) if (tokens.has(fn.name)) return true;
  let pairs = cache.get(file);
  if (!pairs) cache.set(file, (pairs = storesOf(parsedText)));
  for (const [field] of pairs) if (tokens.has(field)) return true;
  const r = project.resolver();
  const kb = project.kb;
  let kbTokens: Set<string> | undefined;
  const hasEvents = (name: string) => kb.forFunction(name).length > 0 || !!r.summary(name, file);
  for (const m of parsedText.matchAll(CALL)) {
    const name = m[2];
    if (m[1]) {
      if ((kbTokens ??= kb.tokens()).has(name) || r.fieldTargets(name, file).some(hasEvents)) return true;
    } else if (hasEvents(name)) return true;
  }
  return false;
}

/**
 * Per token, what eviction decisions depend on: for a name, which files define it and whether that
 * definition is summarised; for a field, its stores and the same for their targets.
 */
function signatures(project: Project, admitted: Map<string, unknown>, cache: Map<string, [string, string][]>, tokens: ReadonlySet<string>): Map<string, string> {
  const defs = new Map<string, string[]>();
  const storesOf_ = new Map<string, string[]>();
  for (const file of admitted.keys()) {
    for (const fn of project.functions(file)) {
      const l = defs.get(fn.name);
      if (!l) defs.set(fn.name, [file]);
      else if (l[l.length - 1] !== file) l.push(file);
    }
    for (const [field, target] of cache.get(file) ?? []) {
      if (!tokens.has(field)) continue;
      const l = storesOf_.get(field) ?? [];
      l.push(`${file}>${target}`);
      storesOf_.set(field, l);
    }
  }
  const r = project.resolver();
  const ofName = (n: string) => (defs.get(n) ?? []).map((f) => `${f}${r.summary(n, f) ? '+' : '-'}`).sort().join(',');
  const out = new Map<string, string>();
  for (const t of tokens) {
    const st = (storesOf_.get(t) ?? []).sort();
    out.set(t, `${ofName(t)}|${st.map((x) => `${x}(${ofName(x.slice(x.indexOf('>') + 1))})`).join(',')}`);
  }
  return out;
}

function remapFinding(f: Finding, lineStarts: Map<string, number[]>): Finding {
  const own = lineStarts.get(f.file);
  const map = (s: Span, file = f.file): Span => {
    const ls = file === f.file ? own : lineStarts.get(file);
    return ls ? { ...s, start: remapOffset(ls, s.startLine, s.startCol), end: remapOffset(ls, s.endLine, s.endCol) } : s;
  };
  const ev = <E extends { span: Span; stmtSpan: Span }>(e: E): E => ({ ...e, span: map(e.span), stmtSpan: map(e.stmtSpan) });
  return {
    ...f,
    span: map(f.span),
    functionSpan: map(f.functionSpan),
    related: f.related.map((r) => ({ ...r, span: map(r.span, r.file) })),
    primary: ev(f.primary),
    other: f.other && ev(f.other),
    witness: f.witness.map((w) => ({ ...w, event: ev(w.event) })),
  };
}
