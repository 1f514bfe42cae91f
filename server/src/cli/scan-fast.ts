// The optimised scan: token prefilter (widened to summarised names until nothing changes), raw search by
// ripgrep or worker threads, and only the top-level regions that can matter handed to the parser.
// Findings are the same as the plain scan's (test/unit/perf); positions are mapped back to the real text.
import * as fs from 'fs';
import { KnowledgeBase } from '../core/kb/kb';
import { Project } from '../core/project';
import { AdmissionGate, checkedTokens, relevantNameKinds, type StoreCache } from '../core/admission';
import {
  compactText,
  hasMatch,
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
import { freezeFile, type FrozenFile } from '../core/frozen';
import { storesOf } from '../core/functions';
import { bareNames, searchFiles, type SearchBackend, type SearchStats } from './scan-workers';
import { MemberTokens } from './member-tokens';
import { IndexUntilFailure, WordIndex, wordIndexBinary } from './word-index';

export interface FastScanOptions {
  kb?: KnowledgeBase;
  maxFileSize?: number;
  functionBudgetMs?: number;
  onWarning?: (message: string) => void;
  /** Raw search: 'auto' (the native word index for a tree of INDEX_MIN_FILES files or more, else ripgrep if
   *  installed, else worker threads), 'index', 'rg' or 'js'. */
  search?: SearchBackend;
  /** Threads for the JS search; 1 = main thread. */
  workers?: number;
  /** Also return each analysed file's functions with their summaries (the scan cache keeps them). */
  keepAnalysis?: boolean;
  /** Called after each prefilter round (progress, benchmarks). */
  onRound?: (r: PrefilterRound) => void;
  /** Hand only the regions with a relevant name to the parser (default true). */
  compact?: boolean;
  /** Parse a hit only when one of its token occurrences can change a finding (default true); false parses every
   *  hit that names a token as a whole word. */
  gate?: boolean;
  /** Names to search for from round 1 besides the knowledge base's (a cached run's tokens: more files read, the
   *  same findings, fewer rounds). */
  seedTokens?: readonly string[];
  /** Of the seed tokens, the fields searched as members only (the cached run's `memberOnly`). */
  seedMemberOnly?: readonly string[];
  /** Replaces the raw search (the scan cache answers from its record); gets the raw search to fall back on.
   *  Tokens come as `name`, or `.name` for a name wanted only where it is used as a member (`.name`, `->name`). */
  searchWith?: (raw: (files: readonly string[], tokens: readonly string[]) => Promise<string[]>) => (files: readonly string[], tokens: readonly string[]) => Promise<string[]>;
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
  /** Every name searched for, and every file a search returned. */
  searchedTokens: string[];
  /** Of those, the fields searched only where they are used as members. */
  memberOnly: string[];
  hits: string[];
}

interface Admitted {
  text: string;
  layout?: Layout;
  keep?: Set<number>;
  /** What was handed to the parser. */
  parsedText: string;
}

const DEFAULT_MAX = 5 * 1024 * 1024;
/** Below this many files a few ripgrep passes cost less than reading every file into the index. */
export const INDEX_MIN_FILES = 2000;

/** Analyses `files` (collected by the caller, in scan order) with the prefilter; returns findings per file order. */
export async function fastScan(
  files: readonly string[],
  roots: string[],
  options: FastScanOptions = {},
): Promise<{ findings: Finding[]; loaded: string[]; functions: number; stats: FastScanStats; analysis?: Record<string, FrozenFile> }> {
  const kb = options.kb ?? KnowledgeBase.builtin();
  const max = options.maxFileSize ?? DEFAULT_MAX;
  const compact = options.compact ?? true;
  const searchStats: SearchStats = { backend: 'js-main' };
  const admitted = new Map<string, Admitted>();
  const skipped = new Set<string>();
  const order = new Map(files.map((f, i) => [f, i]));
  const project = new Project(kb, { functionBudgetMs: options.functionBudgetMs });
  let pattern: RegExp | undefined;
  const seenTokens = new Set<string>();
  /** Per admitted file: its `field = function` stores (cached until its parsed text changes). */
  const stores: StoreCache = new Map();
  const gate = options.gate ?? true;

  const load = (file: string) => readSource(file, max, options.onWarning);

  const prepare = (text: string, st?: Admitted): Admitted => {
    if (!compact) return { text, parsedText: text };
    const layout = st?.layout ?? layoutOf(text);
    const keep = regionsWithMatch(text, layout, pattern);
    return { text, layout, keep, parsedText: compactText(text, layout, keep) };
  };

  const admission = new AdmissionGate(kb);
  const admitFile = (file: string, text = load(file)): void => {
    if (text === undefined) {
      skipped.add(file);
      return;
    }
    const st = prepare(text);
    admitted.set(file, st);
    storeOnly.delete(file);
    admission.admitted(file);
    project.setFile(file, st.parsedText);
  };

  // A file due only because it holds a store nearest to a token field's caller (338 kernel files, 19 with an
  // effect) adds its stores, unparsed: every nearest store counts as a possible callee, and its functions have
  // empty summaries until the gate finds something in it that matters (then it is parsed). With keepAnalysis the
  // scan cache needs every analysed file parsed, so such files are parsed then, as before.
  const storeOnly = new Set<string>();
  const holdStores = gate && !options.keepAnalysis;
  const addStores = (file: string): void => {
    const text = load(file);
    if (text === undefined) {
      skipped.add(file);
      return;
    }
    storeOnly.add(file);
    project.setFrozenFile(file, { functions: [], stores: storesOf(file, text).map((x) => [x.field, x.target]) });
  };

  const backend = options.search ?? 'auto';
  const bin = backend === 'index' || (backend === 'auto' && files.length >= INDEX_MIN_FILES && !options.searchWith) ? wordIndexBinary() : undefined;
  if (backend === 'index' && !bin) throw new Error('the word index is not built (npm run build builds out/native/word-index)');
  const index = new IndexUntilFailure(bin ? new WordIndex(files, bin, undefined, max) : undefined, (err) => {
    if (backend === 'index') throw err;
    options.onWarning?.(`the word index failed (${err.message}); searching with ripgrep instead`);
  });
  // The index answers with every file over the size limit, so each is reported when read; the other searches read
  // a file only if it names something, so the files are sized once first and each one over is reported here, as the
  // plain scan does.
  let sized = false;
  const skipOversized = (): void => {
    if (sized) return;
    sized = true;
    for (const f of files) {
      try {
        if (fs.statSync(f).size > max) {
          options.onWarning?.(tooLarge(f, max));
          skipped.add(f);
        }
      } catch {
        // reported when read
      }
    }
  };
  const raw = async (rest: readonly string[], wanted: readonly string[]): Promise<string[]> => {
    const hits = await index.query(rest, wanted);
    if (hits) {
      searchStats.backend = 'index';
      return hits;
    }
    skipOversized();
    return searchFiles(rest.filter((f) => !skipped.has(f)), bareNames(wanted), { backend: backend === 'index' ? 'auto' : backend, workers: options.workers, roots }, searchStats);
  };
  const search = options.searchWith ? options.searchWith(raw) : raw;
  const hitFiles = new Set<string>();
  // Fields that are no function's name are searched as members only (member-tokens.ts).
  const kbTokens = checkedTokens(kb);
  const memberSeeds = new Set(options.seedMemberOnly ?? []);
  const kinds = new MemberTokens([...kbTokens, ...(options.seedTokens ?? []).filter((t) => !memberSeeds.has(t))]);
  const result = await prefilterFixpoint(files, [...kbTokens, ...(options.seedTokens ?? [])], {
    search: async (rest, fresh) => {
      const hits = await search(rest, kinds.words(fresh));
      for (const f of hits) hitFiles.add(f);
      return hits;
    },
    admit: async (hits, all) => {
      const fresh = [...all].filter((t) => !seenTokens.has(t));
      for (const t of fresh) seenTokens.add(t);
      pattern = identifierPattern(all);
      // Files admitted earlier: regions that now hold a new name must be parsed too.
      const freshPattern = identifierPattern(fresh);
      if (freshPattern) {
        const freshSet = new Set(fresh);
        for (const [file, st] of admitted) {
          if (!hasMatch(freshPattern, st.text)) continue;
          admission.record(file, st.text, freshSet, freshPattern);
          if (!st.layout || !st.keep) continue;
          const more = regionsWithMatch(st.text, st.layout, freshPattern);
          if ([...more].every((r) => st.keep!.has(r))) continue;
          const keep = new Set([...st.keep, ...more]);
          const next: Admitted = { text: st.text, layout: st.layout, keep, parsedText: compactText(st.text, st.layout, keep) };
          admitted.set(file, next);
          project.setFile(file, next.parsedText);
        }
      }
      // The hits: parse what can matter now, keep the rest as pending records.
      let queue: [string, string | undefined][] = [];
      for (const file of hits) {
        if (admitted.has(file) || skipped.has(file)) continue;
        const text = load(file);
        if (text === undefined) {
          skipped.add(file);
          continue;
        }
        if (!gate) {
          if (!pattern || regionsWithMatch(text, layoutOf(text), pattern).size > 0) queue.push([file, text]);
          continue;
        }
        if (admission.classify(file, text, all, pattern!)) queue.push([file, text]);
      }
      // Until nothing more can matter: the stores nearest to each field's callers, then pending files whose
      // calls now resolve to something with events.
      for (;;) {
        for (const [file, text] of queue) if (!admitted.has(file)) admitFile(file, text);
        let due = admission.storesDue((f) => admitted.has(f) || storeOnly.has(f));
        if (holdStores) {
          for (const f of due) addStores(f);
          due = [];
        }
        if (!due.length) due = admission.callsDue(() => project.resolver());
        queue = due.map((f) => [f, undefined]);
        if (queue.length === 0) break;
      }
      const { names, fields } = relevantNameKinds(project, admitted.keys(), stores);
      return { names: [...names, ...fields], again: kinds.functions(names), evicted: hits.filter((f) => !admitted.has(f)) };
    },
  }, options.onRound).finally(() => index.close());

  // The project proper, with files in scan order (the analysis reports the first set-up site it meets).
  const byOrder = (a: string, b: string) => order.get(a)! - order.get(b)!;
  const inOrder = [...admitted.keys()].sort(byOrder);
  const withStores = storeOnly.size ? [...inOrder, ...storeOnly].sort(byOrder) : inOrder;
  if (!sameOrder(project.files(), withStores)) project.reorder(withStores);
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
  let analysis: Record<string, FrozenFile> | undefined;
  if (options.keepAnalysis) {
    analysis = {};
    for (const f of inOrder) analysis[f] = freezeFile(project.fileSummary(f)!, kb);
  }
  return {
    findings,
    analysis,
    loaded: inOrder,
    functions,
    stats: { admitted: inOrder.length, rounds: result.rounds, tokens: result.tokens.length, search: searchStats.backend, parsedChars, admittedChars, searchedTokens: result.tokens, memberOnly: kinds.memberOnly(), hits: [...hitFiles] },
  };
}

/** A C file's text; undefined (with a warning) when it is too large, binary or unreadable. */
export function readSource(file: string, max: number, onWarning?: (message: string) => void): string | undefined {
  let buf: Buffer;
  try {
    if (fs.statSync(file).size > max) {
      onWarning?.(tooLarge(file, max));
      return undefined;
    }
    buf = fs.readFileSync(file);
  } catch (err) {
    onWarning?.(`${file}: ${(err as Error).message}`);
    return undefined;
  }
  if (buf.includes(0)) {
    onWarning?.(`${file}: skipped, binary file`);
    return undefined;
  }
  return buf.toString('utf8');
}

function tooLarge(file: string, max: number): string {
  return `${file}: skipped, larger than ${max} bytes`;
}

function sameOrder(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
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
