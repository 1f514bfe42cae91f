// Diagnostics of open C documents: analysed at once on open, debounced after edits, re-published when the
// index, the settings or the knowledge base change.
import { type Diagnostic, DiagnosticSeverity, type Range } from 'vscode-languageserver/node';
import { ruleDocUri } from '../core/package-root';
import type { Finding, Severity, Span } from '../core/types';
import { fixRefusal } from '../fix';
import { type ServerContext, fileToUri, uriToFile } from './context';

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
  return undefined;
}

export function registerDiagnostics(ctx: ServerContext): void {
  const timers = new Map<string, NodeJS.Timeout>();
  const toldSkipped = new Set<string>();

  const publish = (uri: string): void => {
    const doc = ctx.documents.get(uri);
    if (!doc) return;
    const why = skipReason(ctx, uri, doc.getText());
    let diagnostics: Diagnostic[] = [];
    if (why) {
      if (!toldSkipped.has(uri)) {
        toldSkipped.add(uri);
        ctx.showMessage('info', `Hotplug Race: ${uriToFile(uri)} is not checked: ${why}.`);
      }
    } else {
      const t0 = Date.now();
      diagnostics = ctx.findings(uri).map((f) => toDiagnostic(f, fixRefusal(ctx.project(), f, doc.getText())));
      ctx.log.trace(`hotplug-race: ${uri} v${doc.version}: ${diagnostics.length} diagnostics in ${Date.now() - t0} ms`);
    }
    ctx.connection.sendDiagnostics({ uri, version: doc.version, diagnostics });
    ctx.fireFindingsChanged(uri);
  };
  const safePublish = ctx.guard('publish diagnostics', publish);

  const schedule = (uri: string, delay: number): void => {
    clearTimeout(timers.get(uri));
    timers.set(uri, setTimeout(() => {
      timers.delete(uri);
      void ctx.ready.then(() => safePublish(uri));
    }, delay));
  };
  const republishAll = (): void => {
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
    ctx.connection.sendDiagnostics({ uri, diagnostics: [] });
  });
  ctx.onSettingsChanged(republishAll);
  ctx.onProjectReset(republishAll);
  ctx.onIndexed(republishAll);
}
