// Stated limits on the shape of a text, checked before it is parsed. tree-sitter's error recovery on a
// 100,000-deep bracket nest or a 1 MB line can take 10 s and over 1 GB (the 30-minute fuzz run of d4e478a), far
// beyond a request's bound. No kernel file comes near: in linux-6.1 the longest line of any .c/.h has 1,377
// characters, so these limits only turn away generated or hostile text, with a message that says so.

/** Lines longer than this (UTF-16 units) make a file "not checked". */
export const MAX_LINE_LENGTH = 65_536;
/** Brackets `( [ {` open at once beyond this make a file "not checked". */
export const MAX_BRACKET_DEPTH = 1_000;

let last: { text: string; reason: string | undefined } | undefined;

/** Why the text is beyond the stated limits (line length, bracket depth), or undefined. One pass, no allocation. */
export function shapeLimit(text: string): string | undefined {
  // Every request and publish asks again about the same text.
  if (last && last.text === text) return last.reason;
  let reason: string | undefined;
  let depth = 0;
  let lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      if (i - lineStart > MAX_LINE_LENGTH) break;
      lineStart = i + 1;
    } else if (c === 40 || c === 91 || c === 123) {
      if (++depth > MAX_BRACKET_DEPTH) {
        reason = `brackets are nested more than ${MAX_BRACKET_DEPTH} deep (the limit of the analysis)`;
        break;
      }
    } else if ((c === 41 || c === 93 || c === 125) && depth > 0) {
      depth--;
    }
  }
  if (!reason) {
    // The line the loop stopped in (or the last one).
    let end = text.indexOf('\n', lineStart);
    if (end < 0) end = text.length;
    if (end - lineStart > MAX_LINE_LENGTH) reason = `it has a line longer than ${MAX_LINE_LENGTH} characters (the limit of the analysis)`;
  }
  last = { text, reason };
  return reason;
}
