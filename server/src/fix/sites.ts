// Locating a finding's calls and statements in the tree, and how each call's result is used there.
import type { Lexicon } from '../core/kb/kb';
import type { Event } from '../core/types';
import { knownMacro, looksLikeMacro } from './dataflow';
import { calleeName, isStatement, nodeAt, unparen, type SyntaxNode } from './syntax';

/** How a statement uses the result of the role call it contains. */
export type Shape =
  | { kind: 'bare' } // call;
  | { kind: 'wrap'; wrapper: string; wrapCall: SyntaxNode } // WARN_ON(call); BUG_ON(call, ...);
  | { kind: 'assign'; variable: string } // v = call;
  | { kind: 'declare'; variable: string } // int v = call;
  | { kind: 'condition' } // if (call) ... / if (!WARN_ON(call)) ...
  | { kind: 'returned' } // return call;
  | { kind: 'other'; reason: string };

export interface Site {
  event: Event;
  call: SyntaxNode;
  stmt: SyntaxNode;
  shape: Shape;
}

/** Finds the call and statement of an event; undefined when the tree no longer has them. */
export function siteOf(root: SyntaxNode, event: Event, lex: Lexicon): Site | undefined {
  const call = nodeAt(root, event.span.start, event.span.end, (n) => n.type === 'call_expression');
  if (!call) return undefined;
  let stmt = nodeAt(root, event.stmtSpan.start, event.stmtSpan.end, isStatement);
  if (!stmt) {
    // Fall back to the smallest statement around the call.
    for (let p = call.parent; p; p = p.parent) if (isStatement(p)) { stmt = p; break; }
  }
  if (!stmt) return undefined;
  return { event, call, stmt, shape: shapeOf(stmt, call, lex) };
}

function shapeOf(stmt: SyntaxNode, call: SyntaxNode, lex: Lexicon): Shape {
  if (stmt.type === 'expression_statement') {
    const e = stmt.namedChild(0);
    if (!e) return { kind: 'other', reason: 'empty statement' };
    const expr = unparen(e);
    if (expr.id === call.id) return { kind: 'bare' };
    // `(void)setup(cpu);` discards the result on purpose: the same as a bare call.
    if (expr.type === 'cast_expression' && expr.childForFieldName('type')?.text === 'void' && unparen(expr.childForFieldName('value')!).id === call.id) return { kind: 'bare' };
    if (expr.type === 'assignment_expression' && expr.child(1)?.type === '=') {
      const left = expr.childForFieldName('left');
      const right = expr.childForFieldName('right');
      if (left?.type === 'identifier' && right && unparen(right).id === call.id) return { kind: 'assign', variable: left.text };
    }
    if (expr.type === 'call_expression') {
      const w = wrapperOf(expr, call, lex);
      if (w) return w;
    }
    return { kind: 'other', reason: `\`${call.text}\` is part of a larger expression whose other parts must stay put` };
  }
  if (stmt.type === 'declaration') {
    const decls = stmt.childrenForFieldName('declarator');
    const d = decls.length === 1 ? decls[0] : undefined;
    const value = d?.childForFieldName('value');
    const name = d?.childForFieldName('declarator');
    if (d?.type === 'init_declarator' && value && unparen(value).id === call.id && name?.type === 'identifier') {
      return { kind: 'declare', variable: name.text };
    }
    return { kind: 'other', reason: `\`${call.text}\` is part of a larger declaration whose other parts must stay put` };
  }
  if (stmt.type === 'if_statement') {
    const cond = stmt.childForFieldName('condition');
    let c = cond ? unparen(cond) : undefined;
    if (c?.type === 'unary_expression' && c.child(0)?.type === '!') c = unparen(c.childForFieldName('argument')!);
    if (c && c.id === call.id) return { kind: 'condition' };
    if (c?.type === 'call_expression') {
      const w = wrapperOf(c, call, lex);
      if (w?.kind === 'wrap') return { kind: 'condition' };
      if (w) return w;
    }
    return { kind: 'other', reason: `\`${call.text}\` is part of a larger condition whose other parts must stay put` };
  }
  if (stmt.type === 'return_statement' && stmt.namedChild(0) && unparen(stmt.namedChild(0)!).id === call.id) return { kind: 'returned' };
  if (stmt.type === 'return_statement') return { kind: 'other', reason: `the function returns the result of \`${call.text}\`, so moving it would change what the function returns` };
  return { kind: 'other', reason: `\`${call.text}\` sits in a ${stmt.type.replace(/_/g, ' ')} that cannot be split` };
}

/** `W(call, ...)` with W a known checking macro; an unknown ALL_CAPS W is refused as hidden control flow. */
function wrapperOf(expr: SyntaxNode, call: SyntaxNode, lex: Lexicon): Shape | undefined {
  const name = calleeName(expr);
  const first = expr.childForFieldName('arguments')?.namedChild(0);
  if (!name || !first || unparen(first).id !== call.id) return undefined;
  if (lex.transparent.includes(name) || lex.noReturnIf.includes(name)) return { kind: 'wrap', wrapper: name, wrapCall: expr };
  if (looksLikeMacro(name) && !knownMacro(name, lex)) {
    return { kind: 'other', reason: `\`${call.text}\` is wrapped in the unknown macro \`${name}()\`, which may hide control flow` };
  }
  return undefined;
}

/** Parents that hold a list of statements, into which new statements can be inserted. */
export function isStatementList(n: SyntaxNode | null): boolean {
  return !!n && (n.type === 'compound_statement' || n.type === 'case_statement' || /^preproc_(if|ifdef|else|elif|elifdef)$/.test(n.type));
}

/** The named siblings strictly between two children of the same parent. */
export function between(a: SyntaxNode, b: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let n = a.nextNamedSibling; n && n.id !== b.id; n = n.nextNamedSibling) out.push(n);
  return out;
}

/** Statements that lie (in text) strictly between the end of `a` and the start of `b`, at any depth, maximal. */
export function statementsInRange(fnBody: SyntaxNode, start: number, end: number): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  const visit = (n: SyntaxNode): void => {
    for (const c of n.namedChildren) {
      if (c.endIndex <= start || c.startIndex >= end) continue;
      if (c.startIndex >= start && c.endIndex <= end && c.type !== 'comment') out.push(c);
      else visit(c);
    }
  };
  visit(fnBody);
  return out;
}
