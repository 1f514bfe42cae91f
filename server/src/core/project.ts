// Project: the set of files, their facts and summaries. The public entry point of the core (docs/architecture.md).
import type { Event, Finding, Span } from './types';
import { KnowledgeBase } from './kb/kb';
import { parseText, Parsed, Tree, TreeEdit, SyntaxNode } from './parse';
import { fileFacts, FileFacts, FnFacts } from './functions';
import { passedOn, SummaryTable, SummaryEffect } from './summaries';
import { BudgetExceeded, checkFunction, ROLES_FOR_HOVER } from './checks';
import { Suppressions } from './suppress';
import { eventsOf, spanOf, kbEntriesFor, Resolver } from './events';
import { type FileSummary, type FrozenFile, NotLoaded, thawFile } from './frozen';

export type { TreeEdit } from './parse';
export type { SummaryEffect } from './summaries';

export interface ProjectOptions {
  /** Time budget per function, in ms (HP900 when exceeded). */
  functionBudgetMs?: number;
  /**
   * Time budget of the checks of one findings() call on a file, in ms (default 20,000); it starts once the
   * project's summaries are up to date. When it runs out, the functions not yet checked get one HP900 and that
   * result is not kept, so the next call goes on from the checks already done (each call checks at least one).
   */
  fileBudgetMs?: number;
}

/** Options of findingsForText. */
export interface TextAnalysisOptions {
  /**
   * Time (Date.now()) by which the analysis must be complete. Past it, AnalysisDeadline is thrown instead of
   * returning findings: checked between the parse, the summaries and each function, and inside a function's
   * checks. A parse already under way is bounded only by the parse limit.
   */
  deadline?: number;
  /** A parse of exactly `text` with the project's loop-macro prefixes (parseText), made by the caller. */
  parsed?: Parsed;
}

/** findingsForText ran out of its deadline; no partial result is returned. */
export class AnalysisDeadline extends Error {
  constructor(readonly stage: string) {
    super(`the analysis did not finish within its deadline (${stage})`);
    this.name = 'AnalysisDeadline';
  }
}

interface CacheEntry {
  deps: string;
  /** The summary table's generation in which `deps` was last found equal. */
  gen: number;
  start: number;
  line: number;
  col: number;
  findings: Finding[];
}

interface FileState {
  parsed: Parsed;
  /** Kept from an earlier analysis or known by its stores only (setFrozenFile): `parsed` throws NotLoaded. */
  frozen?: true;
  facts?: FileFacts;
  /** Facts of an earlier version of the file, to reuse those of unchanged functions; dropped once `facts` is built. */
  previous?: FileFacts;
  /** An internal error that stopped reading the file's functions. */
  factsError?: string;
  findings?: Finding[];
  suppress?: Suppressions;
}

export class Project {
  private readonly files_ = new Map<string, FileState>();
  private readonly table: SummaryTable;
  private summariesDirty = true;
  /**
   * Findings per file, then per function text and dependency signature; reused with shifted positions when the
   * function moves. Holds only the functions of the file's last analysis, and no removed file.
   */
  private readonly fnCache = new Map<string, Map<string, CacheEntry>>();
  /** Set while findingsForText analyses a variant of a file. */
  private variant = false;
  private readonly budget: number;
  private readonly fileBudget: number;
  /** An internal error of the last summary computation (reported on every file, which is still checked). */
  private summaryError?: string;

  constructor(readonly kb: KnowledgeBase, options: ProjectOptions = {}) {
    this.table = new SummaryTable(kb);
    const b = options.functionBudgetMs;
    this.budget = typeof b === 'number' && isFinite(b) && b > 0 ? b : 2000;
    const fb = options.fileBudgetMs;
    this.fileBudget = typeof fb === 'number' && isFinite(fb) && fb > 0 ? fb : 20_000;
  }

  setFile(file: string, text: string, edits?: TreeEdit[]): void {
    // A frozen file's state has no parse, and facts without nodes: nothing of it is reused.
    const kept = this.files_.get(file);
    const prev = kept?.frozen ? undefined : kept;
    const parsed = parseText(text, this.kb.lexicon.loopMacroPrefixes, prev?.parsed, edits);
    this.files_.set(file, { parsed, previous: prev?.facts ?? prev?.previous });
    this.invalidate();
  }

  /**
   * A file kept from an earlier analysis (core/frozen.ts): its functions take part in the summaries with their kept
   * summaries. Asking for its findings, or anything else that needs its parse, throws NotLoaded.
   */
  setFrozenFile(file: string, frozen: FrozenFile): void {
    const facts = thawFile(file, frozen, this.kb);
    this.files_.set(file, {
      get parsed(): Parsed {
        throw new NotLoaded(file);
      },
      frozen: true,
      facts,
    });
    this.fnCache.delete(file);
    this.invalidate();
  }

  /** A file's functions with their own summaries, and its stores (to freeze it: core/frozen.ts). */
  fileSummary(file: string): FileSummary | undefined {
    const st = this.files_.get(file);
    if (!st) return undefined;
    this.ensureSummaries();
    const facts = this.factsOf(file, st);
    return { functions: facts.functions.map((fn) => ({ fn, ...this.table.own(fn) })), stores: facts.stores };
  }

  removeFile(file: string): void {
    this.fnCache.delete(file);
    if (this.files_.delete(file)) this.invalidate();
  }

  files(): string[] {
    return [...this.files_.keys()];
  }

  /**
   * The project's files put in `order` (each once), as a project built in that order would hold them: parses,
   * per-file facts and summaries are kept, findings are computed again (they may depend on the order).
   */
  reorder(order: readonly string[]): void {
    if (order.length !== this.files_.size || new Set(order).size !== order.length || order.some((f) => !this.files_.has(f))) {
      throw new Error('reorder: the order must name every file of the project once');
    }
    const states = order.map((f) => this.files_.get(f)!);
    this.files_.clear();
    order.forEach((f, i) => {
      states[i].findings = undefined;
      this.files_.set(f, states[i]);
    });
    // Summaries are the same whatever the order (least fixpoint; effects and call chains in one order): the table
    // stays, and the next compute finds nothing to redo. Findings depend on the order (first set-up site met).
    this.fnCache.clear();
    this.invalidate();
  }

  findings(file: string): Finding[] {
    return this.findingsOf(file);
  }

  /** findings(); with `hardDeadline`, throws AnalysisDeadline instead of returning an incomplete result. */
  private findingsOf(file: string, hardDeadline?: number): Finding[] {
    const st = this.files_.get(file);
    if (!st) return [];
    let out: Finding[];
    let complete = true;
    try {
      // First: a change in another file can invalidate this file's findings.
      this.ensureSummaries();
      if (st.findings) return st.findings;
      if (hardDeadline !== undefined && Date.now() > hardDeadline) throw new AnalysisDeadline('summaries');
      // The summaries are the whole project's work, not this file's: its budget starts after them.
      const r = this.analyse(file, st, Date.now() + this.fileBudget, hardDeadline);
      out = r.findings;
      complete = r.complete;
    } catch (e) {
      if (e instanceof AnalysisDeadline || e instanceof NotLoaded) throw e;
      // Never a silent empty result, never a crash: say what happened at the file start.
      out = [internalErrorFinding(file, undefined, fileStart(), e)];
      complete = false;
    }
    const facts = st.facts;
    const extra: Finding[] = [];
    if (st.factsError !== undefined) extra.push(internalErrorFinding(file, undefined, fileStart(), st.factsError, 'reading the functions of this file'));
    for (const x of facts?.errors ?? []) extra.push(internalErrorFinding(file, undefined, x.span, x.message, 'reading this definition'));
    if (this.summaryError !== undefined) extra.push(internalErrorFinding(file, undefined, fileStart(), this.summaryError, 'computing the summaries'));
    if (extra.length) {
      out = [...out, ...extra].sort((a, b) => a.span.start - b.span.start || a.code.localeCompare(b.code));
    }
    if (complete) st.findings = out;
    return out;
  }

  /**
   * Analyses `text` in place of `file` without changing the project. With `options.deadline`, either the complete
   * findings or AnalysisDeadline (fix verification must never take a partial analysis for a clean one).
   */
  findingsForText(file: string, text: string, options: TextAnalysisOptions = {}): Finding[] {
    const { deadline } = options;
    if (deadline !== undefined && Date.now() > deadline) throw new AnalysisDeadline('before parsing');
    const parsed = options.parsed?.text === text ? options.parsed : parseText(text, this.kb.lexicon.loopMacroPrefixes);
    if (deadline !== undefined) {
      if (parsed.truncated && parsed.truncatedBy === 'time') throw new AnalysisDeadline('the parse was cut short');
      if (Date.now() > deadline) throw new AnalysisDeadline('parsing');
    }
    const saved = this.files_.get(file);
    const st: FileState = { parsed, previous: saved?.facts ?? saved?.previous };
    this.files_.set(file, st);
    this.summariesDirty = true;
    this.variant = true;
    try {
      return this.findingsOf(file, deadline);
    } finally {
      this.variant = false;
      if (saved) this.files_.set(file, saved);
      else this.files_.delete(file);
      // The summaries now reflect `text`; recompute them lazily from the real files.
      this.summariesDirty = true;
    }
  }

  hoverAt(file: string, offset: number): { span: Span; markdown: string } | undefined {
    const st = this.files_.get(file);
    if (!st) return undefined;
    this.ensureSummaries();
    const facts = this.factsOf(file, st);
    const fn = facts.functions.find((f) => !f.synthetic && f.span.start <= offset && offset < f.span.end);
    if (!fn) return undefined;
    if (fn.nameSpan.start <= offset && offset <= fn.nameSpan.end) {
      const s = this.table.summary(fn.name, fn.file);
      if (!s) return undefined;
      return { span: fn.nameSpan, markdown: s.map((e) => describeEffect(fn.name, e, fn.params)).join('\n\n') };
    }
    // The innermost call whose callee text contains the offset.
    let best: FnFacts['calls'][number] | undefined;
    for (const c of fn.calls) {
      const callee = c.node.childForFieldName('function');
      if (!callee || offset < callee.startIndex || offset > callee.endIndex) continue;
      if (!best || c.node.startIndex >= best.node.startIndex) best = c;
    }
    if (!best) return undefined;
    const evs = eventsOf(best, this.table, file);
    if (!evs.length) return undefined;
    const lines: string[] = [];
    const direct = kbEntriesFor(best, this.kb);
    for (const e of evs) {
      const cpu = e.cpu === 'self' ? 'the running CPU' : `CPU \`${e.cpuText}\``;
      if (e.via.length === 1 && direct.includes(e.entry)) {
        lines.push(`**${e.role}**: \`${best.callee}()\` ${ROLES_FOR_HOVER[e.role]}${e.role === 'hotplug-state' ? '' : ` (${cpu})`}.` + (e.entry.note ? `\n\n${e.entry.note}` : '') + `\n\n_Source: ${e.entry.source} knowledge base entry \`${e.entry.name}\`_`);
      } else {
        const chain = e.via.slice(1).map((v) => `\`${v}()\``).join(' → ');
        const online = ['online-sync', 'online-kick', 'online-direct'].includes(e.role) ? ' online' : '';
        lines.push(`**${e.role}**: \`${best.callee}()\` ${verb(e.role)} ${cpu}${online} via ${chain || `\`${e.entry.name}()\``}` + (e.entry.note ? `\n\n${e.entry.note}` : ''));
      }
    }
    return { span: spanOf(best.node.childForFieldName('function') ?? best.node), markdown: lines.join('\n\n---\n\n') };
  }

  functionAt(file: string, offset: number): { name: string; span: Span } | undefined {
    const f = this.functions(file).find((x) => !x.macro && x.span.start <= offset && offset <= x.span.end);
    return f && { name: f.name, span: f.span };
  }

  /** Functions of a file, then its function-like macros (`macro: true`; they have summaries, never findings). */
  functions(file: string): { name: string; span: Span; macro?: true }[] {
    const st = this.files_.get(file);
    if (!st) return [];
    return this.factsOf(file, st).functions.map((f) => (f.synthetic ? { name: f.name, span: f.span, macro: true as const } : { name: f.name, span: f.span }));
  }

  tree(file: string): Tree | undefined {
    return this.files_.get(file)?.parsed.tree;
  }

  /** The parse of a file, including the loop-macro rewrite (same offsets as the text). */
  parsed(file: string): Parsed | undefined {
    return this.files_.get(file)?.parsed;
  }

  summary(name: string): SummaryEffect[] | undefined {
    this.ensureSummaries();
    const s = this.table.summary(name);
    return s ? [...s] : undefined;
  }

  /** The resolver the checks use (KB, summaries, ops-table fields), for eventsOf(callSite, resolver, file). */
  resolver(): Resolver {
    this.ensureSummaries();
    return this.table;
  }

  /** Facts of every function named `name` (for the simulator and fixes). */
  functionFacts(name: string, file?: string): FnFacts[] {
    const out: FnFacts[] = [];
    for (const [f, st] of this.files_) {
      if (file && f !== file) continue;
      for (const fn of this.factsOf(f, st).functions) if (fn.name === name && !fn.synthetic) out.push(fn);
    }
    return out;
  }

  /** Sizes of the per-function caches (tests: they hold only functions still in the project). */
  cacheStats(): { findings: number; summaries: number } {
    let findings = 0;
    for (const m of this.fnCache.values()) findings += m.size;
    return { findings, summaries: this.table.size() };
  }

  private invalidate(): void {
    this.summariesDirty = true;
  }

  private factsOf(file: string, st: FileState): FileFacts {
    if (!st.facts) {
      try {
        st.facts = fileFacts(file, st.parsed, this.kb, this.budget, st.previous);
      } catch (e) {
        st.facts = { functions: [], stores: [] };
        st.factsError = errorText(e);
      }
      st.previous = undefined;
    }
    return st.facts;
  }

  private ensureSummaries(): void {
    if (!this.summariesDirty) return;
    const fns: FnFacts[] = [];
    const stores = [];
    for (const [f, st] of this.files_) {
      const facts = this.factsOf(f, st);
      for (const fn of facts.functions) fns.push(fn);
      for (const x of facts.stores) stores.push(x);
    }
    // Stores and definitions can change what a call resolves to without changing any summary: compute() says so.
    let changed: boolean;
    try {
      changed = this.table.compute(fns, stores);
      this.summaryError = undefined;
    } catch (e) {
      if (e instanceof NotLoaded) throw e;
      this.summaryError = errorText(e);
      changed = true;
    }
    this.summariesDirty = false;
    if (changed) for (const st of this.files_.values()) st.findings = undefined;
  }

  /** `hardDeadline` (findingsForText): no function is started after it, and none may overrun it. */
  private analyse(file: string, st: FileState, deadline = Infinity, hardDeadline?: number): { findings: Finding[]; complete: boolean } {
    const facts = this.factsOf(file, st);
    const out: Finding[] = [];
    st.suppress ??= new Suppressions(st.parsed.text, st.parsed.tree);
    // Findings per function of this file; entries of functions no longer in it are dropped (kept when analysing
    // a variant for findingsForText, which must not evict the real file's entries).
    const cache = this.fnCache.get(file) ?? new Map<string, CacheEntry>();
    const next = new Map<string, CacheEntry>();
    const gen = this.table.generation;
    // Functions left unchecked when the file's time budget ran out (cached results are still used).
    const skipped: FnFacts[] = [];
    let checked = 0;
    const keep = (f: Finding) => {
      if (!st.suppress!.isSuppressed(f)) out.push(f);
    };
    for (const fn of facts.functions) {
      try {
        if (fn.synthetic || !this.table.isRelevant(fn)) continue;
        const summaryError = this.table.errorOf(fn);
        if (summaryError !== undefined) {
          out.push(internalErrorFinding(file, fn, fn.nameSpan, summaryError, 'summarising'));
          continue;
        }
        // The cache first: reading `fn.calls` builds the CFG, which a cache hit does not need.
        const cached = cache.get(fn.key) ?? next.get(fn.key);
        // Within one generation of the summary table, dependency signatures cannot change.
        const deps = cached && cached.gen === gen ? cached.deps : this.table.dependencySignature(fn);
        if (cached && cached.deps === deps && cached.col === fn.span.startCol) {
          cached.gen = gen;
          next.set(fn.key, cached);
          const dOff = fn.span.start - cached.start;
          const dLine = fn.span.startLine - cached.line;
          for (const f of cached.findings) keep(dOff || dLine ? shiftFinding(f, dOff, dLine) : f);
          continue;
        }
        if (hardDeadline !== undefined && Date.now() > hardDeadline) throw new AnalysisDeadline('checking the functions');
        // At least one function per call, so that repeated calls make progress.
        if (checked > 0 && Date.now() > deadline) {
          skipped.push(fn);
          continue;
        }
        checked++;
        // Over-budget functions are never cached, so they always get here.
        if (fn.calls && fn.error === 'budget') {
          out.push(budgetFinding(fn, this.budget));
          continue;
        }
        const t0 = Date.now();
        const own = t0 + this.budget;
        try {
          const fs = checkFunction(fn, this.table, {
            deadline: hardDeadline !== undefined ? Math.min(own, hardDeadline) : own,
            locateSetup: (n) => this.locateSetup(n),
            locateRegistration: (w, registrar, state) => this.locateRegistration(w, registrar, state),
          });
          // HP004 points into another function: its position does not move with this one.
          if (!fs.some((f) => f.code === 'HP004')) next.set(fn.key, { deps, gen, start: fn.span.start, line: fn.span.startLine, col: fn.span.startCol, findings: fs });
          for (const f of fs) keep(f);
        } catch (e) {
          if (!(e instanceof BudgetExceeded)) throw e;
          // Stopped by the caller's deadline, not by the function's own budget: no HP900 stands in for it.
          if (hardDeadline !== undefined && hardDeadline < own) throw new AnalysisDeadline('checking a function');
          out.push(budgetFinding(fn, this.budget));
        }
      } catch (e) {
        if (e instanceof AnalysisDeadline || e instanceof NotLoaded) throw e;
        out.push(internalErrorFinding(file, fn, fn.nameSpan, e, 'checking'));
      }
    }
    if (skipped.length) out.push(fileBudgetFinding(skipped, this.fileBudget));
    if (this.files_.get(file) === st && !this.variant) this.fnCache.set(file, next);
    out.sort((a, b) => a.span.start - b.span.start || a.code.localeCompare(b.code));
    return { findings: out, complete: !skipped.length };
  }

  private locateSetup(name: string): { file: string; span: Span } | undefined {
    for (const fn of this.functionFacts(name)) {
      for (const c of fn.calls) {
        if (eventsOf(c, this.table, fn.file).some((e) => e.role === 'ipi-setup')) return { file: fn.file, span: spanOf(c.node) };
      }
    }
    return undefined;
  }

  private locateRegistration(wrapper: string, registrar: string, state: string): { file: string; span: Span } | undefined {
    for (const fn of this.functionFacts(wrapper)) {
      for (const c of fn.calls) {
        if (c.name !== registrar) continue;
        const passes = eventsOf(c, this.table, fn.file).some((e) => {
          const reg = passedOn(fn, e);
          return reg && (typeof reg.state === 'number' || reg.state === state);
        });
        if (passes) return { file: fn.file, span: spanOf(c.node) };
      }
    }
    return undefined;
  }
}

function verb(role: string): string {
  switch (role) {
    case 'online-sync':
    case 'online-kick':
    case 'online-direct':
      return 'publishes';
    case 'ipi-setup':
      return 'sets up the IPI vectors of';
    case 'ipi-teardown':
      return 'tears down the IPI vectors of';
    case 'offline':
    case 'offline-wait':
      return 'takes offline';
    case 'ipi-send':
      return 'sends an IPI to';
    default:
      return 'acts on';
  }
}

function describeEffect(fn: string, e: SummaryEffect, params: string[]): string {
  if (e.registers) {
    const { startup, state } = e.registers;
    const name = (i: number) => `\`${params[i] || `#${i}`}\``;
    return `\`${fn}()\` registers its parameter ${name(startup)} as the startup callback of the hot-plug state ${typeof state === 'number' ? `in its parameter ${name(state)}` : `\`${state}\``} via ${e.via.map((v) => `\`${v}()\``).join(' → ')}${e.may ? ' (on some paths)' : ''}`;
  }
  const cpu = e.cpu === 'self' ? 'the running CPU' : `CPU \`${params[e.cpu] || `#${e.cpu}`}\``;
  const online = ['online-sync', 'online-kick', 'online-direct'].includes(e.role) ? ' online' : '';
  return `\`${fn}()\` ${verb(e.role)} ${cpu}${online} via ${e.via.map((v) => `\`${v}()\``).join(' → ')}${e.may ? ' (on some paths)' : ''}`;
}

function shiftSpan(s: Span, dOff: number, dLine: number): Span {
  return { start: s.start + dOff, end: s.end + dOff, startLine: s.startLine + dLine, startCol: s.startCol, endLine: s.endLine + dLine, endCol: s.endCol };
}

/** A cached finding moved with its unchanged function (same text, same start column). */
function shiftFinding(f: Finding, dOff: number, dLine: number): Finding {
  const ev = new Map<Event, Event>();
  const shiftEv = (e: Event): Event => {
    let x = ev.get(e);
    if (!x) ev.set(e, (x = { ...e, span: shiftSpan(e.span, dOff, dLine), stmtSpan: shiftSpan(e.stmtSpan, dOff, dLine) }));
    return x;
  };
  return {
    ...f,
    // Every "at line N" of a message names a call inside the function.
    message: dLine ? f.message.replace(/at line (\d+)/g, (_, n) => `at line ${+n + dLine}`) : f.message,
    functionSpan: shiftSpan(f.functionSpan, dOff, dLine),
    span: shiftSpan(f.span, dOff, dLine),
    // Related locations in other files (HP004's callback) do not move.
    related: f.related.map((r) => ({ ...r, span: shiftSpan(r.span, dOff, dLine) })),
    primary: shiftEv(f.primary),
    other: f.other && shiftEv(f.other),
    witness: f.witness.map((w) => ({ ...w, event: shiftEv(w.event) })),
  };
}

function budgetFinding(fn: FnFacts, ms: number): Finding {
  return infoFinding(fn.file, fn.name, fn.span, fn.nameSpan, `Analysis of \`${fn.name}()\` stopped after its time budget of ${ms} ms; hot-plug ordering in this function was not fully checked`);
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message || e.name : String(e);
}

function fileStart(): Span {
  return { start: 0, end: 0, startLine: 0, startCol: 0, endLine: 0, endCol: 0 };
}

/** An HP900 information finding at `span`, on a function or (without one) on the file. */
function infoFinding(file: string, name: string, functionSpan: Span, span: Span, message: string): Finding {
  const ev = { role: 'ipi-setup' as const, cpu: '', cpuText: '', callee: name, span, stmtSpan: functionSpan, callSite: -1, via: [name], entry: { name, kind: 'function' as const, role: 'ipi-setup' as const, cpuArg: 0, source: 'analysis' } };
  return { code: 'HP900', severity: 'information', file, function: name, functionSpan, cpu: '', message, span, related: [], primary: ev, side: 'bp', witness: [] };
}

/** An exception inside the analysis, said where it happened instead of an empty or missing result. */
function internalErrorFinding(file: string, fn: FnFacts | undefined, span: Span, e: unknown, doing?: string): Finding {
  const what = fn ? `\`${fn.name}()\` was not checked` : doing ? `Part of this file was not checked` : 'This file was not checked';
  const msg = `${what}${doing ? ` (while ${doing})` : ''}: internal error: ${typeof e === 'string' ? e : errorText(e)}; the other functions are still checked`;
  return infoFinding(file, fn?.name ?? '', fn?.span ?? span, span, msg);
}

/** One finding for the functions a findings() call did not reach within the file's time budget. */
function fileBudgetFinding(skipped: FnFacts[], ms: number): Finding {
  const fn = skipped[0];
  const others = skipped.length - 1;
  const msg = `The file's time budget of ${ms} ms ran out: \`${fn.name}()\`${others ? ` and ${others} more function${others > 1 ? 's' : ''} after it were` : ' was'} not checked for hot-plug ordering (they are checked on the next analysis of this file)`;
  return infoFinding(fn.file, fn.name, fn.span, fn.nameSpan, msg);
}

export type { SyntaxNode };
