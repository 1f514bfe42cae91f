// Public API of the quick fixes: verified fixes for one finding, the preferred one, why none exists,
// and fix-all over a text (one fix at a time, re-analysing in between).
import { BUILTIN_LEXICON } from '../core/kb/builtin';
import type { Lexicon } from '../core/kb/kb';
import type { Finding } from '../core/types';
import { buildCandidates, type Variant } from './candidates';
import { applyEdits, editsBetween, type TextEdit } from './edits';
import { parseC, parseFunction, syntaxErrorCount } from './syntax';
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
  newText: string;
  /** The findings of newText (from verification). */
  after: Finding[];
}

export interface FixOutcome {
  fixes: Fix[];
  /** Why no fix is offered (set when `fixes` is empty). */
  refusal?: string;
}

/** A project, or anything that can analyse a text in place of a file. */
export interface FixHost extends AnalysisHost {
  /** The project's parse of a file; gives the file's text when none is passed. */
  parsed?(file: string): { text: string } | undefined;
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
}
// How long the host's last verification took: re-analysis costs grow with the workspace.
const verifyMs = new WeakMap<object, number>();
/** Above this, diagnostics report only the reasons found without re-analysis (code actions still verify). */
const DIAGNOSTIC_VERIFY_MS = 400;

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

/** Every verified fix for `finding` in `text` (the file's current text). */
export function fixesFor(host: FixHost, file: string, text: string, finding: Finding, lexicon?: Lexicon, options: { firstOnly?: boolean; before?: Finding[] } = {}): FixOutcome {
  if (!FIXABLE.has(finding.code)) return { fixes: [], refusal: `${finding.code} has no automatic fix` };
  const entry = entryFor(host, file, text);
  entry.before ??= options.before ?? (host.findings && host.parsed?.(file)?.text === text ? host.findings(file) : undefined);
  const id = `${findingKey(finding)}@${finding.span.start}`;
  const hit = entry.outcomes.get(id) ?? (options.firstOnly ? entry.outcomes.get(`${id}/first`) : undefined);
  if (hit) return hit;
  const outcome = compute(host, file, text, finding, lexiconOf(host, lexicon), entry, !!options.firstOnly);
  entry.outcomes.set(options.firstOnly ? `${id}/first` : id, outcome);
  return outcome;
}

function compute(host: FixHost, file: string, text: string, finding: Finding, lex: Lexicon, entry: CacheEntry, firstOnly: boolean): FixOutcome {
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
  for (const c of built.candidates) {
    if (firstOnly && fixes.length) break;
    let newText: string;
    try {
      newText = applyEdits(text, c.edits);
    } catch (e) {
      reasons.push(`internal error in the ${c.variant} fix: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    entry.errors ??= syntaxErrorCount(parseC(text, lex.loopMacroPrefixes).rootNode);
    entry.before ??= host.findingsForText(file, text);
    const t0 = Date.now();
    const v = verifyFix(host, file, text, newText, finding, entry.before, entry.errors, lex.loopMacroPrefixes, lex.noReturn);
    verifyMs.set(host, Date.now() - t0);
    if ('reason' in v) reasons.push(`${c.variant === 'move' ? 'moving the call' : `the ${c.variant} fix`}: ${v.reason}`);
    else fixes.push({ variant: c.variant, title: c.title, preferred: fixes.length === 0, finding, edits: c.edits, newText, after: v.after });
  }
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
  return best ? { edits: best.edits, newText: best.newText, title: best.title } : { refusal: out.refusal ?? 'no fix applies here' };
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
    const r = preferredFix(host, finding, text);
    return 'refusal' in r ? r.refusal : undefined;
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
      const out = fixesFor(host, file, current, f, lexicon, { firstOnly: true, before: all });
      if (out.fixes.length) {
        current = out.fixes[0].newText;
        all = out.fixes[0].after;
        applied.push({ code: f.code, function: f.function, title: out.fixes[0].title });
        fixed = true;
        break;
      }
      refused.push({ finding: f, reason: out.refusal ?? 'no fix applies here' });
    }
    if (!fixed) break;
  }
  return { newText: current, edits: current === text ? [] : editsBetween(text, current), applied, refused, ...(stopped ? { stopped } : {}) };
}
