// Which variables a piece of code reads and writes, and whether it hides control flow: the facts that
// decide whether moving a statement past others keeps its meaning.
import type { Lexicon } from '../core/kb/kb';
import { calleeName, identifiers, type SyntaxNode } from './syntax';

/** Variables a subtree may write: assignment targets, ++/--, address-taken (&x) and declared names. */
export function writes(n: SyntaxNode): Set<string> {
  const out = new Set<string>();
  const visit = (node: SyntaxNode): void => {
    switch (node.type) {
      case 'assignment_expression':
        addBase(node.childForFieldName('left'), out);
        break;
      case 'update_expression':
        addBase(node.childForFieldName('argument'), out);
        break;
      case 'pointer_expression':
        if (node.child(0)?.type === '&') addBase(node.childForFieldName('argument'), out);
        break;
      case 'init_declarator':
        addBase(node.childForFieldName('declarator'), out);
        break;
      case 'declaration':
        for (const d of node.childrenForFieldName('declarator')) if (d.type === 'identifier') out.add(d.text);
        break;
    }
    for (const c of node.namedChildren) visit(c);
  };
  visit(n);
  return out;
}

/** The variable an lvalue writes: `x`, `x.f`, `x->f`, `x[i]`, `*x`, `per_cpu(x, cpu)` all write x. */
function addBase(n: SyntaxNode | null, out: Set<string>): void {
  if (!n) return;
  switch (n.type) {
    case 'identifier':
      out.add(n.text);
      return;
    case 'parenthesized_expression':
      return addBase(n.namedChild(0), out);
    case 'field_expression':
    case 'subscript_expression':
    case 'pointer_expression':
      return addBase(n.childForFieldName('argument'), out);
    case 'call_expression':
      return addBase(n.childForFieldName('arguments')?.namedChild(0) ?? null, out);
    default:
      for (const id of identifiers(n)) out.add(id);
  }
}

/** Variables a subtree mentions (read or written; calls' names included, harmlessly). */
export function mentions(n: SyntaxNode): Set<string> {
  return new Set(identifiers(n));
}

/** True for a name written like a macro: FOO_BAR, WARN_ON. */
export function looksLikeMacro(name: string): boolean {
  return /^[A-Z_][A-Z0-9_]*$/.test(name) && /[A-Z]/.test(name);
}

export function knownMacro(name: string, lex: Lexicon): boolean {
  return lex.transparent.includes(name) || lex.noReturnIf.includes(name) || lex.noReturn.includes(name) || lex.reporters.includes(name);
}

/**
 * Why the statements `nodes` may hide control flow, or undefined. Unknown macros are treated
 * conservatively: an ALL_CAPS call statement may contain a return or goto.
 */
export function hiddenControlFlow(nodes: readonly SyntaxNode[], lex: Lexicon): string | undefined {
  for (const top of nodes) {
    const stack = [top];
    while (stack.length) {
      const n = stack.pop()!;
      if (n.type === 'ERROR') return `code between the calls does not parse (line ${n.startPosition.row + 1})`;
      if (n.type === 'labeled_statement') {
        return `the label \`${n.childForFieldName('label')?.text}\` between the calls is a jump target`;
      }
      if (n.type === 'macro_type_specifier') {
        return `\`${n.childForFieldName('name')?.text ?? n.text}(...)\` between the calls is an unknown macro that may hide control flow`;
      }
      if (n.type === 'call_expression') {
        const name = calleeName(n);
        if (name && looksLikeMacro(name) && !knownMacro(name, lex)) {
          return `\`${name}()\` between the calls is an unknown macro that may hide control flow (a return or goto)`;
        }
      }
      for (const c of n.namedChildren) stack.push(c);
    }
  }
  return undefined;
}

/** Names written by `nodes` that `reader` reads, for "values computed between the calls". */
export function conflicts(reader: Set<string>, nodes: readonly SyntaxNode[]): string[] {
  const w = new Set<string>();
  for (const n of nodes) for (const x of writes(n)) w.add(x);
  return [...reader].filter((x) => w.has(x));
}

/** Every name mentioned by `nodes`. */
export function mentionedIn(nodes: readonly SyntaxNode[]): Set<string> {
  const out = new Set<string>();
  for (const n of nodes) for (const x of mentions(n)) out.add(x);
  return out;
}

/**
 * The first call among `nodes` whose side effects may depend on order (anything but reporting, checking
 * and CPU-id helpers). `skip` is the call that is being reordered against on purpose (the publish).
 */
export function orderedCall(nodes: readonly SyntaxNode[], lex: Lexicon, skip?: SyntaxNode): string | undefined {
  const harmless = new Set([...lex.reporters, ...lex.transparent, ...lex.noReturnIf, ...lex.selfCpu, ...lex.cpuMappers.map((m) => m.name)]);
  for (const top of nodes) {
    for (const call of top.descendantsOfType('call_expression')) {
      if (skip && call.startIndex >= skip.startIndex && call.endIndex <= skip.endIndex) continue;
      const name = calleeName(call);
      if (name && harmless.has(name)) continue;
      return call.childForFieldName('function')?.text ?? 'a call';
    }
  }
  return undefined;
}
