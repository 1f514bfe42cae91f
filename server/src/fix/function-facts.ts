// Facts about the enclosing function that shape a fix: its status variable, error labels, return type.
import { enclosing, type SyntaxNode } from './syntax';

export const STATUS_NAMES = ['rc', 'ret', 'err', 'error', 'rv', 'retval'];
const ERROR_LABEL = /^(err|fail|error|out|unwind|undo|cleanup|free|abort|bail)/i;
const INT_TYPES = /^(int|long|s32|s64|ssize_t|long int)$/;

export function functionOf(n: SyntaxNode): SyntaxNode | undefined {
  return n.type === 'function_definition' ? n : enclosing(n, 'function_definition');
}

/** 'int' when the function returns an int-like status, 'void', or 'other' (pointers, structs, bool). */
export function returnKind(fn: SyntaxNode): 'int' | 'void' | 'other' {
  const type = fn.childForFieldName('type')?.text ?? '';
  const decl = fn.childForFieldName('declarator');
  if (decl?.type !== 'function_declarator') return 'other';
  if (type === 'void') return 'void';
  return INT_TYPES.test(type) ? 'int' : 'other';
}

/**
 * An int status variable declared in a block that encloses `at` and before it: the
 * first of rc/ret/err/error/... that exists.
 */
export function statusVariable(at: SyntaxNode): string | undefined {
  const found = new Map<string, number>();
  for (let block = at.parent; block; block = block.parent) {
    if (block.type === 'function_definition') break;
    if (block.type !== 'compound_statement') continue;
    for (const d of block.namedChildren) {
      if (d.startIndex >= at.startIndex) break;
      if (d.type !== 'declaration' || !INT_TYPES.test(d.childForFieldName('type')?.text ?? '')) continue;
      for (const decl of d.childrenForFieldName('declarator')) {
        const id = decl.type === 'init_declarator' ? decl.childForFieldName('declarator') : decl;
        if (id?.type === 'identifier' && STATUS_NAMES.includes(id.text) && !found.has(id.text)) found.set(id.text, d.startIndex);
      }
    }
  }
  return STATUS_NAMES.find((n) => found.has(n));
}

/** A fresh status name not used anywhere in the function. */
export function freshStatusName(fn: SyntaxNode): string {
  const used = new Set(fn.descendantsOfType('identifier').map((i) => i.text));
  return ['rc', 'ret', 'err', 'rc_ipi'].find((n) => !used.has(n)) ?? 'rc_ipi_setup';
}

/** Where a new `int rc;` goes: after the last leading declaration of the body, or before its first statement. */
export function declarationPoint(fn: SyntaxNode): { after?: SyntaxNode; before?: SyntaxNode } | undefined {
  const body = fn.childForFieldName('body');
  if (!body) return undefined;
  let last: SyntaxNode | undefined;
  for (const c of body.namedChildren) {
    if (c.type === 'comment') continue;
    if (c.type === 'declaration') last = c;
    else return last ? { after: last } : { before: c };
  }
  return last ? { after: last } : undefined;
}

/**
 * An existing error label after `after` that a bail-out can jump to: its name looks like an error
 * path, some `goto` already targets it, and if its code returns a variable, that is `status`.
 */
export function errorLabel(fn: SyntaxNode, after: SyntaxNode, status: string): string | undefined {
  const targets = new Set(fn.descendantsOfType('goto_statement').map((g) => g.childForFieldName('label')?.text));
  for (const l of fn.descendantsOfType('labeled_statement')) {
    const name = l.childForFieldName('label')?.text;
    if (!name || l.startIndex < after.endIndex || !targets.has(name) || !ERROR_LABEL.test(name)) continue;
    const returned = firstReturnAfter(l);
    if (returned === undefined || returned === status || returned === '') return name;
  }
  return undefined;
}

/** What the first return at or after a label returns: an identifier, '' for other expressions, undefined for none. */
function firstReturnAfter(label: SyntaxNode): string | undefined {
  const fnEnd = functionOf(label)?.endIndex ?? label.endIndex;
  const root = functionOf(label);
  if (!root) return undefined;
  const rets = root.descendantsOfType('return_statement').filter((r) => r.startIndex >= label.startIndex && r.endIndex <= fnEnd);
  const r = rets[0];
  if (!r) return undefined;
  const v = r.namedChild(0);
  if (!v) return '';
  return v.type === 'identifier' ? v.text : '\u0000';
}
