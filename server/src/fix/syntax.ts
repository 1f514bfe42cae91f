// tree-sitter helpers for fixes: parsing candidate texts, locating nodes by span, counting syntax errors.
import { DEFAULT_LOOP_PREFIXES, parseText, type SyntaxNode, type Tree } from '../core/parse';

export type { SyntaxNode };

/**
 * Parses C text the way the core does (kernel loop macros rewritten, same offsets), so that the core's
 * spans name the same nodes. Node texts are of the rewritten text: take output text from the original.
 */
export function parseC(text: string, loopPrefixes: readonly string[] = DEFAULT_LOOP_PREFIXES): Tree {
  return parseText(text, loopPrefixes).tree;
}

/** Number of ERROR and MISSING nodes: a fix must not add any. */
export function syntaxErrorCount(root: SyntaxNode): number {
  if (!root.hasError) return 0;
  let n = 0;
  const cursor = root.walk();
  let done = false;
  while (!done) {
    const node = cursor.currentNode;
    if (node.type === 'ERROR' || node.isMissing) n++;
    if (node.hasError && cursor.gotoFirstChild()) continue;
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent()) {
        done = true;
        break;
      }
    }
  }
  return n;
}

/** The outermost-to-innermost chain ends at the smallest node covering exactly [start, end), if any. */
export function nodeAt(root: SyntaxNode, start: number, end: number, accept?: (n: SyntaxNode) => boolean): SyntaxNode | undefined {
  let node: SyntaxNode | null = root.descendantForIndex(start, Math.max(start, end - 1));
  while (node && !(node.startIndex <= start && node.endIndex >= end)) node = node.parent;
  for (let n: SyntaxNode | null = node; n && n.startIndex === start && n.endIndex === end; n = n.parent) {
    if (!accept || accept(n)) return n;
  }
  return undefined;
}

export function isStatement(n: SyntaxNode): boolean {
  return n.type.endsWith('_statement') || n.type === 'declaration';
}

/** Identifiers in a subtree (plain identifiers only: field names and types are not variables). */
export function identifiers(n: SyntaxNode): string[] {
  return n.descendantsOfType('identifier').map((i) => i.text);
}

/** The name of a call's callee when it is a plain identifier. */
export function calleeName(call: SyntaxNode): string | undefined {
  const f = call.childForFieldName('function');
  return f && f.type === 'identifier' ? f.text : undefined;
}

/** Strips parentheses around an expression. */
export function unparen(n: SyntaxNode): SyntaxNode {
  let cur = n;
  while (cur.type === 'parenthesized_expression' && cur.namedChildCount === 1) cur = cur.namedChild(0)!;
  return cur;
}

export function enclosing(n: SyntaxNode, type: string): SyntaxNode | undefined {
  for (let p = n.parent; p; p = p.parent) if (p.type === type) return p;
  return undefined;
}

/**
 * Parses only the function at [start, end): everything else is blanked (line ends kept), so offsets stay
 * those of `text` and broken code elsewhere in the file cannot swallow the function into an ERROR node.
 */
export function parseFunction(text: string, start: number, end: number, loopPrefixes?: readonly string[]): Tree {
  const blank = (t: string) => t.replace(/[^\r\n]/g, ' ');
  return parseC(blank(text.slice(0, start)) + text.slice(start, end) + blank(text.slice(end)), loopPrefixes);
}
