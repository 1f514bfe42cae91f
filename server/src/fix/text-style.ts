// Layout facts of a text: line ends and indentation, so that new lines match the file's own style.

/** The file's dominant line end ('\r\n' if most lines end with it, else '\n'). */
export function eolOf(text: string): string {
  let crlf = 0;
  let lf = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
    if (i > 0 && text[i - 1] === '\r') crlf++;
    else lf++;
  }
  return crlf > lf ? '\r\n' : '\n';
}

/** Offset of the start of the line containing `offset`. */
export function lineStart(text: string, offset: number): number {
  let i = offset;
  while (i > 0 && text[i - 1] !== '\n' && text[i - 1] !== '\r') i--;
  return i;
}

/** Offset of the end of the line containing `offset` (before its line end). */
export function lineEnd(text: string, offset: number): number {
  let i = offset;
  while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
  return i;
}

/** Offset just past the line end at `offset` (which must be at a line end), or `offset` at end of text. */
export function pastEol(text: string, offset: number): number {
  if (text.startsWith('\r\n', offset)) return offset + 2;
  if (text[offset] === '\n' || text[offset] === '\r') return offset + 1;
  return offset;
}

/** The leading whitespace of the line containing `offset`. */
export function indentAt(text: string, offset: number): string {
  const s = lineStart(text, offset);
  let e = s;
  while (e < text.length && (text[e] === ' ' || text[e] === '\t')) e++;
  return text.slice(s, e);
}

/** True when only spaces/tabs precede `offset` on its line. */
export function startsLine(text: string, offset: number): boolean {
  return /^[ \t]*$/.test(text.slice(lineStart(text, offset), offset));
}

/** True when only spaces/tabs follow `offset` on its line. */
export function endsLine(text: string, offset: number): boolean {
  return /^[ \t]*$/.test(text.slice(offset, lineEnd(text, offset)));
}

/**
 * One level of indentation for a block whose statements are indented with `inner` and whose
 * opening line is indented with `outer`: their difference, else a tab or the file's usual space step.
 */
export function indentUnit(inner: string, outer: string, text: string): string {
  if (inner.startsWith(outer) && inner.length > outer.length) {
    const diff = inner.slice(outer.length);
    if (/^(\t|[ ]+)$/.test(diff)) return diff;
  }
  if (inner.includes('\t')) return '\t';
  if (inner.length > 0) return ' '.repeat(spaceStep(text) || inner.length);
  return /^\t/m.test(text) ? '\t' : ' '.repeat(spaceStep(text) || 4);
}

/** The smallest positive space indentation used by any line, or 0. */
function spaceStep(text: string): number {
  let best = 0;
  for (const m of text.matchAll(/^( +)\S/gm)) {
    const n = m[1].length;
    if (n >= 2 && (best === 0 || n < best)) best = n;
  }
  return best;
}

/** Indents every line after the first of `stmt` by `unit` more (for statements moved under a guard). */
export function indentContinuation(stmt: string, unit: string): string {
  return stmt.replace(/(\r\n|\r|\n)(?=[ \t]*\S)/g, `$1${unit}`);
}
