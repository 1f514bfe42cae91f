// Edits that add or remove whole statements while keeping the surrounding bytes as they were.
import type { TextEdit } from './edits';
import type { SyntaxNode } from './syntax';
import { endsLine, indentAt, indentContinuation, indentUnit, lineEnd, lineStart, pastEol, startsLine } from './text-style';

/** Deletes a statement: its whole line(s) when it is alone there, else just its text and trailing blanks. */
export function deleteStatement(text: string, stmt: SyntaxNode): TextEdit {
  if (startsLine(text, stmt.startIndex) && endsLine(text, stmt.endIndex)) {
    return { start: lineStart(text, stmt.startIndex), end: pastEol(text, lineEnd(text, stmt.endIndex)), newText: '' };
  }
  let end = stmt.endIndex;
  while (text[end] === ' ' || text[end] === '\t') end++;
  return { start: stmt.startIndex, end, newText: '' };
}

/** Where to insert a line after `stmt`: past a trailing comment on its line, if any. */
export function afterStatement(text: string, stmt: SyntaxNode): number {
  const rest = text.slice(stmt.endIndex, lineEnd(text, stmt.endIndex));
  return /^\s*(\/\*.*\*\/\s*|\/\/.*)?$/.test(rest) ? lineEnd(text, stmt.endIndex) : stmt.endIndex;
}

/** The indentation of a statement's block and one more level, in the file's own style. */
export function blockIndent(text: string, stmt: SyntaxNode): { ind: string; unit: string } {
  const ind = indentAt(text, stmt.startIndex);
  let opener: SyntaxNode | null = stmt.parent;
  // The block's opening line: the `{` of a compound statement or the line of the statement that owns it.
  while (opener && opener.type !== 'compound_statement') opener = opener.parent;
  const outer = opener ? indentAt(text, opener.startIndex) : '';
  return { ind, unit: indentUnit(ind, outer, text) };
}

/** `stmt` (text) placed under a guard one level deeper. */
export function underGuard(stmtText: string, unit: string): string {
  return unit + indentContinuation(stmtText, unit);
}
