// Code actions: the verified quick fixes of HP001-HP003 (one action per variant, the best one preferred),
// "Simulate this race", source.fixAll.hotplug-race, and the hotplugRace.applyAllFixes command.
// Every edit carries the document version it was computed for, so a client never applies it to newer text.
import { type CodeAction, CodeActionKind, type CodeActionParams, type TextEdit as LspTextEdit } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding } from '../core/types';
import { fixAll, fixesFor } from '../fix/fixes';
import type { TextEdit } from '../fix/edits';
import { type ServerContext, uriToFile } from './context';
import { skipReason, spanToRange } from './diagnostics';

export const FIX_ALL_KIND = 'source.fixAll.hotplug-race';
export const APPLY_ALL_COMMAND = 'hotplugRace.applyAllFixes';

function toLspEdits(doc: TextDocument, edits: readonly TextEdit[]): LspTextEdit[] {
  return edits.map((e) => ({ range: { start: doc.positionAt(e.start), end: doc.positionAt(e.end) }, newText: e.newText }));
}

function versioned(doc: TextDocument, edits: readonly TextEdit[]) {
  return { documentChanges: [{ textDocument: { uri: doc.uri, version: doc.version }, edits: toLspEdits(doc, edits) }] };
}

function wants(only: string[] | undefined, kind: string): boolean {
  return !only || only.some((k) => k === kind || kind.startsWith(`${k}.`));
}

function overlaps(f: Finding, range: CodeActionParams['range']): boolean {
  const r = spanToRange(f.span);
  const before = (a: { line: number; character: number }, b: { line: number; character: number }) => a.line < b.line || (a.line === b.line && a.character < b.character);
  return !before(r.end, range.start) && !before(range.end, r.start);
}

function sameDiagnostic(f: Finding, d: CodeActionParams['context']['diagnostics'][number]): boolean {
  const r = spanToRange(f.span);
  return d.code === f.code && d.range.start.line === r.start.line && d.range.start.character === r.start.character;
}

export function registerCodeActions(ctx: ServerContext): void {
  ctx.connection.onCodeAction(ctx.guard('codeAction', (params: CodeActionParams): CodeAction[] => {
    const doc = ctx.documents.get(params.textDocument.uri);
    if (!doc) return [];
    const only = params.context.only;
    const text = doc.getText();
    // Documents the diagnostics skip (excluded, oversized, binary) get no fixes either.
    if (skipReason(ctx, doc.uri, text)) return [];
    const file = uriToFile(doc.uri);
    const findings = ctx.findings(doc.uri);
    const actions: CodeAction[] = [];

    if (wants(only, CodeActionKind.QuickFix)) {
      const ours = params.context.diagnostics.filter((d) => d.source === 'hotplug-race');
      const here = findings.filter((f) => ours.some((d) => sameDiagnostic(f, d)) || (!ours.length && overlaps(f, params.range)));
      for (const f of here) {
        const diagnostic = ours.find((d) => sameDiagnostic(f, d));
        const outcome = fixesFor(ctx.project(), file, text, f);
        for (const fix of outcome.fixes) {
          actions.push({
            title: fix.title,
            kind: CodeActionKind.QuickFix,
            isPreferred: fix.preferred,
            diagnostics: diagnostic ? [diagnostic] : undefined,
            edit: versioned(doc, fix.edits),
          });
        }
        if (f.code !== 'HP900') {
          actions.push({
            title: `Simulate this race in ${f.function}()`,
            kind: CodeActionKind.QuickFix,
            diagnostics: diagnostic ? [diagnostic] : undefined,
            command: { title: 'Simulate this race', command: 'hotplugRace.simulate', arguments: [doc.uri, f.function] },
          });
        }
      }
    }

    // Only on request (fix-on-save asks for it by kind): fix-all re-analyses after each fix.
    if (only && wants(only, FIX_ALL_KIND)) {
      const result = fixAll(ctx.project(), file, text);
      if (result.edits.length) {
        actions.push({ title: `Fix all hot-plug ordering problems (${result.applied.length})`, kind: FIX_ALL_KIND, edit: versioned(doc, result.edits) });
      }
    }
    return actions;
  }, []));

  ctx.registerCommand(APPLY_ALL_COMMAND, async (args: unknown[]) => {
    const { uri, version } = commandTarget(args);
    if (!uri) return { applied: 0, message: `${APPLY_ALL_COMMAND} expects [{ uri, version }] or [uri, version]` };
    const doc = ctx.documents.get(uri);
    if (!doc) return { applied: 0, message: 'the document is not open' };
    if (version !== undefined && version !== doc.version) {
      return { applied: 0, message: `the document changed (version ${version} requested, now ${doc.version}); nothing applied` };
    }
    const skipped = skipReason(ctx, uri, doc.getText());
    if (skipped) return { applied: 0, message: `the document is not checked: ${skipped}` };
    ctx.flush(uri);
    const result = fixAll(ctx.project(), uriToFile(uri), doc.getText());
    if (!result.edits.length) {
      return { applied: 0, message: result.refused.length ? `no fix applies: ${result.refused[0].reason}` : 'nothing to fix' };
    }
    const r = await ctx.connection.workspace.applyEdit({ label: 'Fix all hot-plug ordering problems', edit: versioned(doc, result.edits) });
    return r.applied
      ? { applied: result.applied.length, message: `${result.applied.length} fix${result.applied.length > 1 ? 'es' : ''} applied` }
      : { applied: 0, message: `the editor did not apply the fixes${r.failureReason ? `: ${r.failureReason}` : ''}` };
  });
}

/** Accepts [{ uri, version }] (the VS Code client) or [uri, version]. */
function commandTarget(args: unknown[]): { uri?: string; version?: number } {
  const [a, b] = args;
  if (typeof a === 'string') return { uri: a, version: typeof b === 'number' ? b : undefined };
  if (a && typeof a === 'object') {
    const o = a as { uri?: unknown; version?: unknown };
    return { uri: typeof o.uri === 'string' ? o.uri : undefined, version: typeof o.version === 'number' ? o.version : undefined };
  }
  return {};
}
