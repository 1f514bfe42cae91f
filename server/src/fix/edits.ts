// Text edits as offset ranges of the original text, and their application.
import { diffLines } from 'diff';

/** Replace [start, end) of the original text with newText. Offsets are UTF-16 code units. */
export interface TextEdit {
  start: number;
  end: number;
  newText: string;
}

/** Applies non-overlapping edits (in any order) to `text`. Throws on overlap: that is a bug in a fix. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let pos = 0;
  for (const e of sorted) {
    if (e.start < pos || e.end < e.start || e.end > text.length) throw new Error(`overlapping or invalid edit at ${e.start}`);
    out += text.slice(pos, e.start) + e.newText;
    pos = e.end;
  }
  return out + text.slice(pos);
}

/** Line-level edits turning `before` into `after`; used to express a fix-all result as small edits. */
export function editsBetween(before: string, after: string): TextEdit[] {
  const edits: TextEdit[] = [];
  let pos = 0;
  let pending: TextEdit | undefined;
  for (const part of diffLines(before, after)) {
    if (part.added) {
      pending = pending ?? { start: pos, end: pos, newText: '' };
      pending.newText += part.value;
    } else if (part.removed) {
      pending = pending ?? { start: pos, end: pos, newText: '' };
      pos += part.value.length;
      pending.end = pos;
    } else {
      if (pending) edits.push(pending);
      pending = undefined;
      pos += part.value.length;
    }
  }
  if (pending) edits.push(pending);
  return edits;
}
