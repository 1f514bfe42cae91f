// Code actions: the verified quick fixes of HP001-HP003 (one action per variant, the best one preferred),
// "Simulate this race", source.fixAll.hotplug-race, and the hotplugRace.applyAllFixes command.
// Every edit carries the document version it was computed for, so a client never applies it to newer text.
import { type CodeAction, CodeActionKind, type CodeActionParams, type TextEdit as LspTextEdit } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding } from '../core/types';
import { fixAll, fixesFor, forgetFixes, knownFixes } from '../fix/fixes';
import type { TextEdit } from '../fix/edits';
import { type ServerContext, uriToFile } from './context';
import { fixesUnavailable, skipReason, spanToRange } from './diagnostics';
import { settle } from './memory';

/**
 * Verification time of one codeAction request. Each verification runs under this deadline too: one that cannot
 * finish by then is stopped and its fix listed as not checked, and the remaining findings are listed as not checked.
 * With the document's own re-parses and the other requests queued meanwhile, an answer stays within the 5 s bound
 * the fuzzer checks (docs/guarantees.md).
 */
export const CODE_ACTION_BUDGET_MS = 2000;
/** Fix-all (several rounds of verification) stops after this; the fixes applied so far are each verified. */
export const FIX_ALL_BUDGET_MS = 4000;
/**
 * Requests that queue up behind one another must not add up their budgets: all code-action requests together
 * verify for at most VERIFY_SHARE_MS within any VERIFY_PERIOD_MS (wall time). A request that finds the share
 * used up answers with what is already verified and lists the rest as not checked.
 */
export const VERIFY_SHARE_MS = CODE_ACTION_BUDGET_MS;
export const VERIFY_PERIOD_MS = 5000;

/** Verification time spans of the last VERIFY_PERIOD_MS. */
const spans: { start: number; end: number }[] = [];

/** Verification time left in the current period. */
export function verifyAllowance(now = Date.now()): number {
  const from = now - VERIFY_PERIOD_MS;
  while (spans.length && spans[0].end <= from) spans.shift();
  let used = 0;
  for (const s of spans) used += s.end - Math.max(s.start, from);
  return VERIFY_SHARE_MS - used;
}

/** Runs `work` (a verification) and counts its time against the shared allowance. */
function metered<T>(work: () => T): T {
  const start = Date.now();
  try {
    return work();
  } finally {
    spans.push({ start, end: Math.max(start + 1, Date.now()) });
  }
}

const NOTHING_VERIFIED = 'no fix could be verified within the time bound (verification time is shared by all code-action requests)';

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
  ctx.documents.onDidClose((uri) => forgetFixes(ctx.project(), uriToFile(uri)));

  ctx.connection.onCodeAction(ctx.guard('codeAction', async (params: CodeActionParams, token): Promise<CodeAction[]> => {
    const doc = ctx.documents.get(params.textDocument.uri);
    if (!doc) return [];
    const only = params.context.only;
    const text = doc.getText();
    const version = doc.version;
    const started = Date.now();
    // The request's own bound, and what other requests left of the shared allowance.
    const deadline = () => Math.min(started + CODE_ACTION_BUDGET_MS, Date.now() + verifyAllowance());
    // Documents the diagnostics skip (excluded, oversized, binary) get no fixes either.
    if (skipReason(ctx, doc.uri, text)) return [];
    const file = uriToFile(doc.uri);
    const findings = ctx.findings(doc.uri);
    const actions: CodeAction[] = [];
    const tooBig = fixesUnavailable(ctx, doc.uri);
    // Between verifications the document may change: the edits are made from this text and version only.
    const stale = () => token.isCancellationRequested || ctx.documents.get(doc.uri)?.version !== version;
    const notChecked = (title: string, reason: string): CodeAction => ({ title, kind: CodeActionKind.QuickFix, disabled: { reason } });

    if (wants(only, CodeActionKind.QuickFix)) {
      const ours = params.context.diagnostics.filter((d) => d.source === 'hotplug-race');
      const here = findings.filter((f) => ours.some((d) => sameDiagnostic(f, d)) || (!ours.length && overlaps(f, params.range)));
      const fixable = here.filter((f) => /^HP00[123]$/.test(f.code));
      if (tooBig && fixable.length) actions.push(notChecked('Hotplug Race: no quick fixes for this file', tooBig));
      let verified = 0;
      for (const f of here) {
        const diagnostic = ours.find((d) => sameDiagnostic(f, d));
        if (!tooBig && /^HP00[123]$/.test(f.code)) {
          const project = ctx.project();
          const known = knownFixes(project, file, text, f);
          const until = deadline();
          if (!known && Date.now() >= until) {
            const left = fixable.length - verified;
            const why = until >= started + CODE_ACTION_BUDGET_MS
              ? `the time bound of one request (${CODE_ACTION_BUDGET_MS} ms) was reached`
              : `other requests used the verification time (${VERIFY_SHARE_MS} ms every ${VERIFY_PERIOD_MS / 1000} s)`;
            actions.push(notChecked(`Hotplug Race: quick fixes of ${left} more finding${left > 1 ? 's' : ''} not checked`, `${why}; ask again for the rest`));
            break;
          }
          const outcome = known ?? metered(() => fixesFor(project, file, text, f, undefined, { deadline: until }));
          verified++;
          for (const u of outcome.unchecked ?? []) {
            actions.push({ ...notChecked(`${u.title} (not checked)`, `the fix was not verified in time: ${u.reason}; ask again`), diagnostics: diagnostic ? [diagnostic] : undefined });
          }
          for (const fix of outcome.fixes) {
            actions.push({
              title: fix.title,
              kind: CodeActionKind.QuickFix,
              isPreferred: fix.preferred,
              diagnostics: diagnostic ? [diagnostic] : undefined,
              edit: versioned(doc, fix.edits),
            });
          }
          // Let edits and other requests in, and free the trees the verification made.
          await settle();
          if (stale()) return [];
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
      if (tooBig) return [...actions, { ...notChecked('Fix all hot-plug ordering problems', tooBig), kind: FIX_ALL_KIND }];
      ctx.flush(doc.uri);
      const result = metered(() => fixAll(ctx.project(), file, text, undefined, undefined, { deadline: Math.min(Date.now() + FIX_ALL_BUDGET_MS, Date.now() + verifyAllowance()) }));
      if (result.edits.length) {
        const more = result.stopped ? '; stopped at its time bound, ask again for the rest' : '';
        actions.push({ title: `Fix all hot-plug ordering problems (${result.applied.length}${more})`, kind: FIX_ALL_KIND, edit: versioned(doc, result.edits) });
      } else if (result.stopped) {
        actions.push({ ...notChecked('Fix all hot-plug ordering problems (not checked)', NOTHING_VERIFIED), kind: FIX_ALL_KIND });
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
    const tooBig = fixesUnavailable(ctx, uri);
    if (tooBig) return { applied: 0, message: `no fixes: ${tooBig}` };
    const result = metered(() => fixAll(ctx.project(), uriToFile(uri), doc.getText(), undefined, undefined, { deadline: Date.now() + Math.min(FIX_ALL_BUDGET_MS, verifyAllowance()) }));
    if (!result.edits.length) {
      if (result.stopped) return { applied: 0, message: `${NOTHING_VERIFIED}; run it again` };
      return { applied: 0, message: result.refused.length ? `no fix applies: ${result.refused[0].reason}` : 'nothing to fix' };
    }
    const r = await ctx.connection.workspace.applyEdit({ label: 'Fix all hot-plug ordering problems', edit: versioned(doc, result.edits) });
    return r.applied
      ? { applied: result.applied.length, message: `${result.applied.length} fix${result.applied.length > 1 ? 'es' : ''} applied${result.stopped ? '; stopped at its time bound, run it again for the rest' : ''}` }
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
