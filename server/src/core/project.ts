// Project: the set of files, their facts and summaries. The public entry point of the core (docs/architecture.md).
import type { Event, Finding, Span } from './types';
import { KnowledgeBase } from './kb/kb';
import { parseText, Parsed, Tree, TreeEdit, SyntaxNode } from './parse';
import { fileFacts, FileFacts, FnFacts } from './functions';
import { SummaryTable, SummaryEffect } from './summaries';
import { BudgetExceeded, checkFunction, ROLES_FOR_HOVER } from './checks';
import { Suppressions } from './suppress';
import { eventsOf, spanOf, kbEntriesFor, Resolver } from './events';

export type { TreeEdit } from './parse';
export type { SummaryEffect } from './summaries';

export interface ProjectOptions {
  /** Time budget per function, in ms (HP900 when exceeded). */
  functionBudgetMs?: number;
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
  facts?: FileFacts;
  /** Facts of an earlier version of the file, to reuse those of unchanged functions; dropped once `facts` is built. */
  previous?: FileFacts;
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

  constructor(readonly kb: KnowledgeBase, options: ProjectOptions = {}) {
    this.table = new SummaryTable(kb);
    const b = options.functionBudgetMs;
    this.budget = typeof b === 'number' && isFinite(b) && b > 0 ? b : 2000;
  }

  setFile(file: string, text: string, edits?: TreeEdit[]): void {
    const prev = this.files_.get(file);
    const parsed = parseText(text, this.kb.lexicon.loopMacroPrefixes, prev?.parsed, edits);
    this.files_.set(file, { parsed, previous: prev?.facts ?? prev?.previous });
    this.invalidate();
  }

  removeFile(file: string): void {
    this.fnCache.delete(file);
    if (this.files_.delete(file)) this.invalidate();
  }

  files(): string[] {
    return [...this.files_.keys()];
  }

  findings(file: string): Finding[] {
    const st = this.files_.get(file);
    if (!st) return [];
    this.ensureSummaries();
    if (!st.findings) st.findings = this.analyse(file, st);
    return st.findings;
  }

  /** Analyses `text` in place of `file` without changing the project. */
  findingsForText(file: string, text: string): Finding[] {
    const saved = this.files_.get(file);
    const st: FileState = { parsed: parseText(text, this.kb.lexicon.loopMacroPrefixes), previous: saved?.facts ?? saved?.previous };
    this.files_.set(file, st);
    this.summariesDirty = true;
    this.variant = true;
    try {
      return this.findings(file);
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

  private invalidate(): void {
    this.summariesDirty = true;
  }

  private factsOf(file: string, st: FileState): FileFacts {
    if (!st.facts) {
      try {
        st.facts = fileFacts(file, st.parsed, this.kb, this.budget, st.previous);
      } catch {
        st.facts = { functions: [], stores: [] };
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
    const changed = this.table.compute(fns, stores);
    this.summariesDirty = false;
    if (changed) for (const st of this.files_.values()) st.findings = undefined;
  }

  private analyse(file: string, st: FileState): Finding[] {
    const facts = this.factsOf(file, st);
    const out: Finding[] = [];
    st.suppress ??= new Suppressions(st.parsed.text, st.parsed.tree);
    // Findings per function of this file; entries of functions no longer in it are dropped (kept when analysing
    // a variant for findingsForText, which must not evict the real file's entries).
    const cache = this.fnCache.get(file) ?? new Map<string, CacheEntry>();
    const next = new Map<string, CacheEntry>();
    const gen = this.table.generation;
    for (const fn of facts.functions) {
      if (fn.synthetic || !this.table.isRelevant(fn)) continue;
      // The cache first: reading `fn.calls` builds the CFG, which a cache hit does not need.
      const cached = cache.get(fn.key) ?? next.get(fn.key);
      // Within one generation of the summary table, dependency signatures cannot change.
      const deps = cached && cached.gen === gen ? cached.deps : this.table.dependencySignature(fn);
      if (cached && cached.deps === deps && cached.col === fn.span.startCol) {
        cached.gen = gen;
        next.set(fn.key, cached);
        const dOff = fn.span.start - cached.start;
        const dLine = fn.span.startLine - cached.line;
        for (const f of cached.findings) {
          const g = dOff || dLine ? shiftFinding(f, dOff, dLine) : f;
          if (!st.suppress.isSuppressed(g)) out.push(g);
        }
        continue;
      }
      // Over-budget functions are never cached, so they always get here.
      if (fn.calls && fn.error === 'budget') {
        out.push(budgetFinding(fn, this.budget));
        continue;
      }
      const t0 = Date.now();
      try {
        const fs = checkFunction(fn, this.table, { deadline: t0 + this.budget, locateSetup: (n) => this.locateSetup(n) });
        // HP004 points into another function: its position does not move with this one.
        if (!fs.some((f) => f.code === 'HP004')) next.set(fn.key, { deps, gen, start: fn.span.start, line: fn.span.startLine, col: fn.span.startCol, findings: fs });
        for (const f of fs) if (!st.suppress.isSuppressed(f)) out.push(f);
      } catch (e) {
        if (!(e instanceof BudgetExceeded)) continue;
        out.push(budgetFinding(fn, this.budget));
      }
    }
    if (this.files_.get(file) === st && !this.variant) this.fnCache.set(file, next);
    out.sort((a, b) => a.span.start - b.span.start || a.code.localeCompare(b.code));
    return out;
  }

  private locateSetup(name: string): { file: string; span: Span } | undefined {
    for (const fn of this.functionFacts(name)) {
      for (const c of fn.calls) {
        if (eventsOf(c, this.table, fn.file).some((e) => e.role === 'ipi-setup')) return { file: fn.file, span: spanOf(c.node) };
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
  const ev = { role: 'ipi-setup' as const, cpu: '', cpuText: '', callee: fn.name, span: fn.nameSpan, stmtSpan: fn.span, callSite: -1, via: [fn.name], entry: { name: fn.name, kind: 'function' as const, role: 'ipi-setup' as const, cpuArg: 0, source: 'analysis' } };
  return {
    code: 'HP900',
    severity: 'information',
    file: fn.file,
    function: fn.name,
    functionSpan: fn.span,
    cpu: '',
    message: `Analysis of \`${fn.name}()\` stopped after its time budget of ${ms} ms; hot-plug ordering in this function was not fully checked`,
    span: fn.nameSpan,
    related: [],
    primary: ev,
    side: 'bp',
    witness: [],
  };
}

export type { SyntaxNode };
