// Public API of the quick fixes: verified fixes for one finding, the preferred one, why none exists,
// and fix-all over a text (one fix at a time, re-analysing in between).
import { BUILTIN_LEXICON } from '../core/kb/builtin';
import type { Lexicon } from '../core/kb/kb';
import type { Finding } from '../core/types';
import { buildCandidates, type Variant } from './candidates';
import { applyEdits, editsBetween, type TextEdit } from './edits';
import { parseC, parseFunction, syntaxErrorCount } from './syntax';
import { AnalysisDeadline } from '../core/project';
import { findingKey, verifyFix, type AnalysisHost } from './verify';

export type { TextEdit } from './edits';
export type { AnalysisHost } from './verify';

export interface Fix {
  variant: Variant;
  title: string;
  /** The best verified variant (guard, then bail-out, then move). */
  preferred: boolean;
  finding: Finding;
  /** Small edits of the original text. */
  edits: TextEdit[];
  /** The fixed text, made from the edits when asked: a cached fix does not keep a copy of the file. */
  readonly newText: string;
  /**
   * The findings of newText and its syntax errors, from verification: only on the outcome of the call that
   * verified it. Cached outcomes drop them (a few hundred KB per fix in a file with a hundred findings).
   */
  after?: Finding[];
  errorsAfter?: number;
}

function makeFix(text: string, variant: Variant, title: string, preferred: boolean, finding: Finding, edits: TextEdit[], after?: Finding[], errorsAfter?: number): Fix {
  return {
    variant, title, preferred, finding, edits,
    get newText() {
      return applyEdits(text, edits);
    },
    ...(after ? { after, errorsAfter } : {}),
  };
}

export interface FixOutcome {
  fixes: Fix[];
  /** Why no fix is offered (set when `fixes` is empty and nothing is `unchecked`). */
  refusal?: string;
  /** Variants whose verification the deadline cut short: neither offered nor refused. Such outcomes are not cached. */
  unchecked?: { variant: Variant; title: string; reason: string }[];
}

/** A project, or anything that can analyse a text in place of a file. */
export interface FixHost extends AnalysisHost {
  /** The project's parse of a file; gives the file's text when none is passed. */
  parsed?(file: string): { text: string } | undefined;
  /** Loop-macro prefixes of `kb.lexicon` are those the host parses with: with them the fixed text's parse is shared. */
  /** The project's (cached) findings of a file, used when `parsed(file).text` is the text being fixed. */
  findings?(file: string): Finding[];
  kb?: { lexicon: Lexicon };
}

const FIXABLE = new Set(['HP001', 'HP002', 'HP003']);
const MAX_TEXT = 2_000_000;

interface CacheEntry {
  text: string;
  before?: Finding[];
  errors?: number;
  outcomes: Map<string, FixOutcome>;
  /** How long the last complete verification of a fix in this text took: one that cannot finish is not started. */
  verifyMs?: number;
}
// How long the host's last verification took: re-analysis costs grow with the workspace.
const verifyMs = new WeakMap<object, number>();
/** Above this, diagnostics report only the reasons found without re-analysis (code actions still verify). */
const DIAGNOSTIC_VERIFY_MS = 400;
/** Time bound of the verifications behind one diagnostic's refusal reason (off the typing path, between yields). */
export const DIAGNOSTIC_VERIFY_BUDGET_MS = 1000;

// Per host (project) and file: the code-action, diagnostics and fix-all paths ask about the same text repeatedly.
const caches = new WeakMap<object, Map<string, CacheEntry>>();

/** Drops what is cached for `file` (its text, and each fix's fixed text): the LSP calls this when a document closes. */
export function forgetFixes(host: object, file: string): void {
  caches.get(host)?.delete(file);
}

function lexiconOf(host: FixHost, lex?: Lexicon): Lexicon {
  return lex ?? host.kb?.lexicon ?? BUILTIN_LEXICON;
}

function entryFor(host: FixHost, file: string, text: string): CacheEntry {
  let cache = caches.get(host);
  if (!cache) caches.set(host, (cache = new Map()));
  let e = cache.get(file);
  if (!e || e.text !== text) {
    e = { text, outcomes: new Map() };
    cache.set(file, e);
    if (cache.size > 64) cache.delete(cache.keys().next().value!);
  }
  return e;
}

export interface FixesOptions {
  /** Stop at the first verified variant. */
  firstOnly?: boolean;
  /** The findings of `text`, when known. */
  before?: Finding[];
  /** Date.now() by which verification must be done: variants not verified by then are `unchecked`. */
  deadline?: number;
}

/** The outcome already computed for `finding` in `text`, if any (costs nothing). */
export function knownFixes(host: FixHost, file: string, text: string, finding: Finding, options: { firstOnly?: boolean } = {}): FixOutcome | undefined {
  const e = caches.get(host)?.get(file);
  if (!e || e.text !== text) return undefined;
  const id = `${findingKey(finding)}@${finding.span.start}`;
  return e.outcomes.get(id) ?? (options.firstOnly ? e.outcomes.get(`${id}/first`) : undefined);
}

/** Every verified fix for `finding` in `text` (the file's current text). */
export function fixesFor(host: FixHost, file: string, text: string, finding: Finding, lexicon?: Lexicon, options: FixesOptions = {}): FixOutcome {
  if (!FIXABLE.has(finding.code)) return { fixes: [], refusal: `${finding.code} has no automatic fix` };
  const entry = entryFor(host, file, text);
  entry.before ??= options.before ?? (host.findings && host.parsed?.(file)?.text === text ? host.findings(file) : undefined);
  const id = `${findingKey(finding)}@${finding.span.start}`;
  const hit = entry.outcomes.get(id) ?? (options.firstOnly ? entry.outcomes.get(`${id}/first`) : undefined);
  if (hit) return hit;
  const outcome = compute(host, file, text, finding, lexiconOf(host, lexicon), entry, !!options.firstOnly, options.deadline);
  // An outcome cut short by time is not an answer about the text: the next request tries again.
  if (!outcome.unchecked) {
    const kept = outcome.fixes.map((x) => makeFix(text, x.variant, x.title, x.preferred, x.finding, x.edits));
    entry.outcomes.set(options.firstOnly ? `${id}/first` : id, { ...outcome, fixes: kept });
  }
  return outcome;
}

function compute(host: FixHost, file: string, text: string, finding: Finding, lex: Lexicon, entry: CacheEntry, firstOnly: boolean, deadline?: number): FixOutcome {
  if (text.length > MAX_TEXT) return { fixes: [], refusal: 'the file is too large for automatic fixes' };
  let built;
  const tree = parseFunction(text, finding.functionSpan.start, finding.functionSpan.end, lex.loopMacroPrefixes);
  try {
    built = buildCandidates(text, tree.rootNode, finding, lex);
  } catch (e) {
    return { fixes: [], refusal: `the fix could not be prepared (${e instanceof Error ? e.message : String(e)})` };
  }
  const fixes: Fix[] = [];
  const reasons = [...built.reasons];
  const unchecked: NonNullable<FixOutcome['unchecked']> = [];
  const shareParse = lex.loopMacroPrefixes === host.kb?.lexicon.loopMacroPrefixes;
  for (const c of built.candidates) {
    if (firstOnly && fixes.length) break;
    // Once one variant ran out of time, so would the next ones: they are not started.
    if (unchecked.length) {
      unchecked.push({ variant: c.variant, title: c.title, reason: unchecked[0].reason });
      continue;
    }
    let newText: string;
    try {
      newText = applyEdits(text, c.edits);
    } catch (e) {
      reasons.push(`internal error in the ${c.variant} fix: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    if (deadline !== undefined && Date.now() + (entry.verifyMs ?? 0) > deadline) {
      const reason = entry.verifyMs ? `verifying a fix in this text takes ${entry.verifyMs} ms or more, more than the time left` : 'there was no time left to verify it';
      unchecked.push({ variant: c.variant, title: c.title, reason });
      continue;
    }
    entry.errors ??= syntaxErrorCount(parseC(text, lex.loopMacroPrefixes).rootNode);
    if (!entry.before) {
      try {
        entry.before = host.findingsForText(file, text, { deadline });
      } catch (e) {
        if (!(e instanceof AnalysisDeadline)) throw e;
        unchecked.push({ variant: c.variant, title: c.title, reason: 'the analysis of the current text did not finish within the time bound' });
        continue;
      }
    }
    const t0 = Date.now();
    const v = verifyFix(host, file, text, newText, finding, entry.before, entry.errors, lex.loopMacroPrefixes, lex.noReturn, { deadline, shareParse });
    // The longest seen (one cut short included: its time is a lower bound) predicts the next verification here.
    const ms = Date.now() - t0;
    entry.verifyMs = Math.max(entry.verifyMs ?? 0, ms);
    verifyMs.set(host, ms);
    if ('unchecked' in v) {
      unchecked.push({ variant: c.variant, title: c.title, reason: v.unchecked });
      continue;
    }
    if ('reason' in v) reasons.push(`${c.variant === 'move' ? 'moving the call' : `the ${c.variant} fix`}: ${v.reason}`);
    else fixes.push(makeFix(text, c.variant, c.title, fixes.length === 0, finding, c.edits, v.after, v.errorsAfter));
  }
  if (unchecked.length) return { fixes, unchecked };
  return fixes.length ? { fixes } : { fixes, refusal: reasons[0] ?? 'no fix applies here' };
}

function textOf(host: FixHost, file: string, text?: string): string | undefined {
  if (text !== undefined) return text;
  return host.parsed?.(file)?.text;
}

/** The preferred fix of a finding (stable API for the simulator's `--fixed` and fix-all). */
export function preferredFix(host: FixHost, finding: Finding, text?: string): { edits: TextEdit[]; newText: string; title: string } | { refusal: string } {
  const t = textOf(host, finding.file, text);
  if (t === undefined) return { refusal: 'the file text is not available' };
  const out = fixesFor(host, finding.file, t, finding, undefined, { firstOnly: true });
  const best = out.fixes[0];
  if (best) return { edits: best.edits, newText: best.newText, title: best.title };
  return { refusal: out.refusal ?? `the fix could not be verified (${out.unchecked?.[0]?.reason ?? 'no fix applies here'})` };
}

/** Why no quick fix exists for a fixable finding, for the diagnostic message; undefined when one exists or the code is not fixable. */
export function fixRefusal(host: FixHost, finding: Finding, text?: string): string | undefined {
  if (!FIXABLE.has(finding.code)) return undefined;
  try {
    if ((verifyMs.get(host) ?? 0) > DIAGNOSTIC_VERIFY_MS) {
      // Large workspace: do not re-analyse on every edit; say why only when no variant can even be built.
      const t = textOf(host, finding.file, text);
      if (t === undefined) return undefined;
      const lex = lexiconOf(host);
      const built = buildCandidates(t, parseFunction(t, finding.functionSpan.start, finding.functionSpan.end, lex.loopMacroPrefixes).rootNode, finding, lex);
      return built.candidates.length ? undefined : built.reasons[0] ?? 'no fix applies here';
    }
    const t = textOf(host, finding.file, text);
    if (t === undefined) return 'the file text is not available';
    const out = fixesFor(host, finding.file, t, finding, undefined, { firstOnly: true, deadline: Date.now() + DIAGNOSTIC_VERIFY_BUDGET_MS });
    // Not verified in time: no reason is claimed (the code action says "not checked" if it cannot verify either).
    return out.fixes.length || out.unchecked?.length ? undefined : out.refusal ?? 'no fix applies here';
  } catch (e) {
    // Diagnostics must not fail because of a fix: report it as the reason instead.
    return `the fix could not be checked (${e instanceof Error ? e.message : String(e)})`;
  }
}

export interface FixAllResult {
  newText: string;
  /** Edits of the original text (line granularity) giving newText. */
  edits: TextEdit[];
  applied: { code: string; function: string; title: string }[];
  refused: { finding: Finding; reason: string }[];
  /** Set when the deadline stopped it before every fix was tried; each applied fix is still verified. */
  stopped?: 'deadline';
}

/**
 * Applies every preferred fix in `text`, one at a time, re-analysing in between (the verification of
 * each fix gives the findings of the next round). `findings`: those of `text`, when already known.
 */
export function fixAll(host: FixHost, file: string, text: string, lexicon?: Lexicon, findings?: Finding[], options: { deadline?: number } = {}): FixAllResult {
  let current = text;
  let all = findings ?? (host.findings && host.parsed?.(file)?.text === text ? host.findings(file) : host.findingsForText(file, text));
  const applied: FixAllResult['applied'] = [];
  let refused: FixAllResult['refused'] = [];
  let stopped: FixAllResult['stopped'];
  for (let round = 0; round < 100 && !stopped; round++) {
    refused = [];
    let fixed = false;
    for (const f of all.filter((x) => FIXABLE.has(x.code))) {
      if (options.deadline !== undefined && Date.now() > options.deadline) {
        stopped = 'deadline';
        break;
      }
      const out = fixesFor(host, file, current, f, lexicon, { firstOnly: true, before: all, deadline: options.deadline });
      if (!out.fixes.length && out.unchecked?.length) {
        stopped = 'deadline';
        break;
      }
      if (out.fixes.length) {
        const fix = out.fixes[0];
        current = fix.newText;
        applied.push({ code: f.code, function: f.function, title: fix.title });
        fixed = true;
        if (fix.after) {
          all = fix.after;
          // The next round's text was parsed and analysed by this verification: no need to do it again.
          const next = entryFor(host, file, current);
          next.errors ??= fix.errorsAfter;
          next.before ??= all;
        } else {
          // A cached outcome keeps no findings: analyse the fixed text (the fix itself is verified).
          try {
            all = host.findingsForText(file, current, { deadline: options.deadline });
          } catch (e) {
            if (!(e instanceof AnalysisDeadline)) throw e;
            stopped = 'deadline';
          }
        }
        break;
      }
      refused.push({ finding: f, reason: out.refusal ?? 'no fix applies here' });
    }
    if (!fixed) break;
  }
  return { newText: current, edits: current === text ? [] : editsBetween(text, current), applied, refused, ...(stopped ? { stopped } : {}) };
}
