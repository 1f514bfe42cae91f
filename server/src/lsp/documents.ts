// Open documents, synced incrementally. Each content change is also turned into a tree-sitter edit so the
// project can reparse incrementally; edits queue up until the next analysis takes them.
import type { Connection, TextDocumentContentChangeEvent } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';

/** Same shape as tree-sitter's Edit; offsets and columns in UTF-16 code units. */
export interface TreeEdit {
  startIndex: number;
  oldEndIndex: number;
  newEndIndex: number;
  startPosition: { row: number; column: number };
  oldEndPosition: { row: number; column: number };
  newEndPosition: { row: number; column: number };
}

type Listener = (uri: string) => void;

/** C sources by language id or by extension (VS Code may call a header 'cpp'). */
export function isCDocument(uri: string, languageId?: string): boolean {
  return languageId === 'c' || /\.[ch]$/i.test(uri.replace(/[?#].*$/, ''));
}

export class Documents {
  private readonly docs = new Map<string, TextDocument>();
  /** Edits not yet given to the project; null means the whole text changed. */
  private readonly pending = new Map<string, TreeEdit[] | null>();
  private readonly openListeners: Listener[] = [];
  private readonly changeListeners: Listener[] = [];
  private readonly closeListeners: Listener[] = [];

  get(uri: string): TextDocument | undefined {
    return this.docs.get(uri);
  }

  all(): TextDocument[] {
    return [...this.docs.values()];
  }

  onDidOpen(l: Listener): void {
    this.openListeners.push(l);
  }
  onDidChange(l: Listener): void {
    this.changeListeners.push(l);
  }
  onDidClose(l: Listener): void {
    this.closeListeners.push(l);
  }

  /** Takes the queued edits: an array for an incremental reparse, null for a full one, undefined if none. */
  takeEdits(uri: string): TreeEdit[] | null | undefined {
    if (!this.pending.has(uri)) return undefined;
    const edits = this.pending.get(uri)!;
    this.pending.delete(uri);
    return edits;
  }

  hasPending(uri: string): boolean {
    return this.pending.has(uri);
  }

  /** Forget queued edits (the project re-read every document in full). */
  clearPending(): void {
    this.pending.clear();
  }

  open(uri: string, languageId: string, version: number, text: string): void {
    if (!isCDocument(uri, languageId)) return;
    this.docs.set(uri, TextDocument.create(uri, languageId, version, text));
    this.pending.set(uri, null);
    for (const l of this.openListeners) l(uri);
  }

  change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): void {
    let doc = this.docs.get(uri);
    if (!doc) return;
    let edits: TreeEdit[] | null = this.pending.has(uri) ? this.pending.get(uri)! : [];
    for (const raw of changes) {
      if (typeof raw?.text !== 'string') continue;
      let change = raw;
      if ('range' in raw && raw.range) {
        change = { range: clampRange(doc, raw.range), text: raw.text };
        const edit = toTreeEdit(doc, change.range, change.text);
        // A long backlog is cheaper to reparse in full than to replay.
        if (edits) edits = edits.length < 256 ? [...edits, edit] : null;
      } else {
        edits = null;
      }
      doc = TextDocument.update(doc, [change], version);
    }
    this.docs.set(uri, doc);
    this.pending.set(uri, edits);
    for (const l of this.changeListeners) l(uri);
  }

  close(uri: string): void {
    if (!this.docs.delete(uri)) return;
    this.pending.delete(uri);
    for (const l of this.closeListeners) l(uri);
  }

  listen(connection: Connection, guard: <A extends unknown[]>(name: string, fn: (...a: A) => void) => (...a: A) => void): void {
    connection.onDidOpenTextDocument(guard('didOpen', (p) => this.open(p.textDocument.uri, p.textDocument.languageId, p.textDocument.version, p.textDocument.text)));
    connection.onDidChangeTextDocument(guard('didChange', (p) => this.change(p.textDocument.uri, p.textDocument.version, p.contentChanges)));
    connection.onDidCloseTextDocument(guard('didClose', (p) => this.close(p.textDocument.uri)));
  }
}

/**
 * The range inside `doc`, start before end, in integers. A client may send lines past the end, negative or
 * fractional positions; TextDocument.update then splices its line table with the raw line numbers and goes out of
 * step with the text, and tree-sitter rejects the edit.
 */
export function clampRange(doc: TextDocument, r: { start: Position; end: Position }): { start: Position; end: Position } {
  const uint = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0);
  const offset = (p: Position | undefined) => doc.offsetAt({ line: uint(p?.line), character: uint(p?.character) });
  const a = offset(r?.start);
  const b = offset(r?.end);
  return { start: doc.positionAt(Math.min(a, b)), end: doc.positionAt(Math.max(a, b)) };
}

type Position = { line: number; character: number };

/** The tree-sitter edit for replacing `range` of `doc` (before the change) with `text`. */
export function toTreeEdit(doc: TextDocument, range: { start: { line: number; character: number }; end: { line: number; character: number } }, text: string): TreeEdit {
  const startIndex = doc.offsetAt(range.start);
  const oldEndIndex = Math.max(startIndex, doc.offsetAt(range.end));
  const start = doc.positionAt(startIndex);
  const oldEnd = doc.positionAt(oldEndIndex);
  const lines = text.split(/\r\n|\r|\n/);
  const last = lines[lines.length - 1];
  const newEnd = lines.length === 1
    ? { row: start.line, column: start.character + last.length }
    : { row: start.line + lines.length - 1, column: last.length };
  return {
    startIndex,
    oldEndIndex,
    newEndIndex: startIndex + text.length,
    startPosition: { row: start.line, column: start.character },
    oldEndPosition: { row: oldEnd.line, column: oldEnd.character },
    newEndPosition: newEnd,
  };
}
