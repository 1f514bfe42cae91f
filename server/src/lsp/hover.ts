// Hover on a call: its role and why (the knowledge-base entry or the inferred chain), from Project.hoverAt.
import type { Hover } from 'vscode-languageserver/node';
import { type ServerContext, uriToFile } from './context';
import { spanToRange } from './diagnostics';

export function registerHover(ctx: ServerContext): void {
  ctx.connection.onHover(ctx.guard('hover', (p, token): Hover | null => {
    const doc = ctx.documents.get(p.textDocument.uri);
    // A hover the client already gave up on is not worth a reparse.
    if (!doc || token.isCancellationRequested) return null;
    ctx.flush(doc.uri);
    const hit = ctx.project().hoverAt(uriToFile(doc.uri), doc.offsetAt(p.position));
    if (!hit) return null;
    return { contents: { kind: 'markdown', value: hit.markdown }, range: spanToRange(hit.span) };
  }, null));
}
