// Diagnostics of open C documents: analysed at once on open, debounced after edits, re-published when the
// index, the settings or the knowledge base change. Fix refusal reasons are added in a second publish once typing pauses.
import { type Diagnostic, DiagnosticSeverity, type Range } from 'vscode-languageserver/node';
import { ruleDocUri } from '../core/package-root';
import type { Finding, Severity, Span } from '../core/types';
import { fixRefusal } from '../fix';
import { type ServerContext, fileToUri, uriToFile } from './context';
import { settle } from './memory';
import { shapeLimit } from './limits';
import { PARSE_LIMIT_MS } from '../core/parse';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function spanToRange(span: Span): Range {
  return { start: { line: span.startLine, character: span.startCol }, end: { line: span.endLine, character: span.endCol } };
}

/** `noFix`: why no quick fix is offered for a fixable finding (appended to the message). */
export function toDiagnostic(f: Finding, noFix?: string): Diagnostic {
  return {
    range: spanToRange(f.span),
    severity: SEVERITY[f.severity],
    code: f.code,
    codeDescription: { href: ruleDocUri(f.code) },
    source: 'hotplug-race',
    message: noFix ? `${f.message}. No quick fix: ${noFix}.` : f.message,
    relatedInformation: f.related.map((r) => ({ location: { uri: fileToUri(r.file), range: spanToRange(r.span) }, message: r.message })),
    data: { code: f.code, function: f.function },
  };
}

/** Why a document is not analysed, or undefined when it is. */
export function skipReason(ctx: ServerContext, uri: string, text: string): string | undefined {
  const file = uriToFile(uri);
  if (ctx.isExcluded(file)) return 'excluded by hotplugRace.exclude';
  if (text.length > ctx.settings().maxFileSize) return `larger than hotplugRace.maxFileSize (${ctx.settings().maxFileSize} bytes)`;
  if (text.includes('\u0000')) return 'it looks binary (NUL bytes)';
  return shapeLimit(text);
}

/**
 * Above this many syntax nodes, fixes are not verified: each verification reparses and re-analyses the whole
 * text several times (at 80 to 170 bytes of native memory per node), which cannot be done within a request's bound.
 */
export const FIX_MAX_NODES = 200_000;

/** Why fixes of this open document are not verified at all (too big to do in time), or undefined. */
export function fixesUnavailable(ctx: ServerContext, uri: string): string | undefined {
  const nodes = ctx.project().tree(uriToFile(uri))?.rootNode.descendantCount ?? 0;
  if (nodes <= FIX_MAX_NODES) return undefined;
  return `the file is too large to verify a fix within the time bound (${nodes} syntax nodes; the limit is ${FIX_MAX_NODES})`;
}

/** The information note at the start of a document whose parse was cut short: it was not checked. */
export function notCheckedNote(ctx: ServerContext, uri: string): Diagnostic | undefined {
  const parsed = ctx.project().parsed(uriToFile(uri));
  if (!parsed?.truncated) return undefined;
  const why = parsed.truncatedBy === 'binary'
    ? 'it looks binary (control characters in more than 5 % of the first 8 KB)'
    : `parsing stopped after its time limit of ${PARSE_LIMIT_MS} ms`;
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Information,
    code: 'HP900',
    codeDescription: { href: ruleDocUri('HP900') },
    source: 'hotplug-race',
    message: `This file was not checked for hot-plug ordering problems: ${why}`,
  };
}

/** Quiet time after the last publish of a document before fix refusals are computed (off the typing path). */
const REFINE_IDLE_MS = 400;
/** Refusal reasons kept at most (cleared, not evicted one by one: the entries are small). */
const REFUSAL_CACHE_MAX = 20_000;

/**
 * Fix refusals per document, by finding and the text of its function: an edit in another function keeps them.
 * Dropped for a document when its list of findings changes (verification compares against it), and for all
 * when the project, settings or index change.
 */
export class RefusalCache {
  private readonly docs = new Map<string, { others: string; reasons: Map<string, string | null> }>();
  private project: unknown;
  private size = 0;

  clear(): void {
    this.docs.clear();
    this.size = 0;
  }

  forget(uri: string): void {
    this.size -= this.docs.get(uri)?.reasons.size ?? 0;
    this.docs.delete(uri);
  }

  /** Keys for `findings` of `text` in `uri`; everything is dropped when `project` is not the one it was filled for. */
  keys(project: unknown, uri: string, findings: readonly Finding[], text: string): string[] {
    if (project !== this.project) {
      this.project = project;
      this.clear();
    }
    const others = findings.map((f) => `${f.code}:${f.function}`).join(',');
    if (this.docs.get(uri)?.others !== others) {
      this.forget(uri);
      this.docs.set(uri, { others, reasons: new Map() });
    }
    return findings.map((f) => {
      const fs = f.functionSpan;
      return `${f.code}\0${f.function}\0${f.span.start - fs.start}\0${f.span.end - fs.start}\0${text.slice(fs.start, fs.end)}`;
    });
  }

  has(uri: string, key: string): boolean {
    return !!this.docs.get(uri)?.reasons.has(key);
  }

  get(uri: string, key: string): string | undefined {
    return this.docs.get(uri)?.reasons.get(key) ?? undefined;
  }

  set(uri: string, key: string, reason: string | undefined): void {
    const doc = this.docs.get(uri);
    if (!doc) return;
    if (this.size >= REFUSAL_CACHE_MAX) {
      this.size -= doc.reasons.size;
      doc.reasons.clear();
    }
    if (!doc.reasons.has(key)) this.size++;
    doc.reasons.set(key, reason ?? null);
  }
}

export function registerDiagnostics(ctx: ServerContext): void {
  const timers = new Map<string, NodeJS.Timeout>();
  const refineTimers = new Map<string, NodeJS.Timeout>();
  const toldSkipped = new Set<string>();
  const refusals = new RefusalCache();

  // Findings first, with the refusal reasons already known; the others are computed once typing pauses.
  const publish = (uri: string): void => {
    const doc = ctx.documents.get(uri);
    if (!doc) return;
    const text = doc.getText();
    const why = skipReason(ctx, uri, text);
    let diagnostics: Diagnostic[] = [];
    let missing = false;
    if (why) {
      if (!toldSkipped.has(uri)) {
        toldSkipped.add(uri);
        ctx.showMessage('info', `Hotplug Race: ${uriToFile(uri)} is not checked: ${why}.`);
      }
    } else {
      const t0 = Date.now();
      const findings = ctx.findings(uri);
      const keys = refusals.keys(ctx.project(), uri, findings, text);
      diagnostics = findings.map((f, i) => {
        if (!refusals.has(uri, keys[i])) missing = true;
        return toDiagnostic(f, refusals.get(uri, keys[i]));
      });
      const note = notCheckedNote(ctx, uri);
      if (note) diagnostics.unshift(note);
      ctx.log.trace(`hotplug-race: ${uri} v${doc.version}: ${diagnostics.length} diagnostics in ${Date.now() - t0} ms`);
    }
    ctx.connection.sendDiagnostics({ uri, version: doc.version, diagnostics });
    ctx.fireFindingsChanged(uri);
    clearTimeout(refineTimers.get(uri));
    refineTimers.delete(uri);
    if (missing) refineTimers.set(uri, setTimeout(() => void safeRefine(uri, doc.version), REFINE_IDLE_MS));
  };

  /** Computes the missing refusal reasons one finding at a time; gives up when the document changes meanwhile. */
  const refine = async (uri: string, version: number): Promise<void> => {
    refineTimers.delete(uri);
    const current = () => ctx.documents.get(uri)?.version === version && !timers.has(uri) && !refineTimers.has(uri);
    if (!current()) return;
    const text = ctx.documents.get(uri)!.getText();
    const findings = ctx.findings(uri);
    const project = ctx.project();
    const keys = refusals.keys(project, uri, findings, text);
    const tooBig = fixesUnavailable(ctx, uri);
    let changed = false;
    for (let i = 0; i < findings.length; i++) {
      if (refusals.has(uri, keys[i])) continue;
      const reason = tooBig && /^HP00[123]$/.test(findings[i].code) ? tooBig : fixRefusal(project, findings[i], text);
      refusals.set(uri, keys[i], reason);
      if (reason) changed = true;
      if (tooBig) continue;
      // Let a pending edit in before the next (possibly slow) verification, and free the trees it made.
      await settle();
      if (!current() || ctx.project() !== project) return;
    }
    if (changed) publish(uri);
  };
  const safeRefine = ctx.guard('fix refusals', refine);
  const safePublish = ctx.guard('publish diagnostics', publish);

  const schedule = (uri: string, delay: number): void => {
    clearTimeout(timers.get(uri));
    timers.set(uri, setTimeout(() => {
      timers.delete(uri);
      void ctx.ready.then(() => safePublish(uri));
    }, delay));
  };
  const republishAll = (): void => {
    // Other files, rules or settings changed: a refusal may no longer hold.
    refusals.clear();
    for (const doc of ctx.documents.all()) schedule(doc.uri, 0);
  };

  ctx.documents.onDidOpen((uri) => {
    toldSkipped.delete(uri);
    // Settings and rules first, so the first diagnostics already have the right severities and rules.
    void ctx.ready.then(() => {
      if (!timers.has(uri)) safePublish(uri);
    });
  });
  ctx.documents.onDidChange((uri) => schedule(uri, ctx.debounceMs));
  ctx.documents.onDidClose((uri) => {
    clearTimeout(timers.get(uri));
    timers.delete(uri);
    clearTimeout(refineTimers.get(uri));
    refineTimers.delete(uri);
    refusals.forget(uri);
    ctx.connection.sendDiagnostics({ uri, diagnostics: [] });
  });
  ctx.onSettingsChanged(republishAll);
  ctx.onProjectReset(republishAll);
  ctx.onIndexed(republishAll);
}
