// The status variable of the guard and bail-out shapes, the set-up rewritten to keep its result, and the bail-out line.
import { conflicts, mentionedIn, mentions, writes } from './dataflow';
import type { Ctx } from './candidates';
import type { TextEdit } from './edits';
import { fnName, src } from './fix-context';
import { declarationPoint, errorLabel, freshStatusName, functionOf, returnKind, statusVariable } from './function-facts';
import type { Site } from './sites';
import type { SyntaxNode } from './syntax';
import { indentAt, lineStart } from './text-style';

/** The status variable for guard and bail-out shapes, with any declaration it needs. */
export interface Status {
  name: string;
  declare?: TextEdit;
  /** Why the guard shape does not fit (the bail-out still may). */
  noGuard?: string;
}

export function chooseStatus(ctx: Ctx, setup: Site, publish: Site, region: SyntaxNode[], publishFirst: boolean): Status | string {
  if (setup.shape.kind === 'assign' || setup.shape.kind === 'declare') {
    const v = setup.shape.variable;
    if (conflicts(new Set([v]), region).length) return `\`${v}\` is changed between the two calls`;
    if (publish.shape.kind === 'assign' && publish.shape.variable !== v) {
      return { name: v, noGuard: `the set-up's result goes to \`${v}\` but the publish's to \`${publish.shape.variable}\`; guarding would leave \`${publish.shape.variable}\` unset` };
    }
    return { name: v };
  }
  const used = mentionedIn(region);
  if (publish.shape.kind === 'assign') {
    const v = publish.shape.variable;
    // Set-up moved before the publish: code in between already sees the publish's status, as before.
    if (!publishFirst && used.has(v)) return `\`${v}\` is used between the two calls`;
    return { name: v };
  }
  const fn = functionOf(publish.stmt);
  if (!fn) return 'the calls are not inside a function';
  const existing = statusVariable(publish.stmt);
  if (existing && !used.has(existing) && !mentions(publish.stmt).has(existing)) return { name: existing };
  const name = freshStatusName(fn);
  const point = declarationPoint(fn);
  if (!point) return 'the function has no body to declare a status variable in';
  if (point.after && point.after.endIndex > publish.stmt.startIndex) return `${fnName(publish)} is among the declarations; there is no place for a status variable before it`;
  if (point.after) {
    return { name, declare: { start: point.after.endIndex, end: point.after.endIndex, newText: `${ctx.eol}${indentAt(ctx.text, point.after.startIndex)}int ${name};` } };
  }
  const first = point.before!;
  const at = lineStart(ctx.text, first.startIndex);
  return { name, declare: { start: at, end: at, newText: `${indentAt(ctx.text, first.startIndex)}int ${name};${ctx.eol}${ctx.eol}` } };
}

/** The set-up statement rewritten to store its result in `status`, keeping any checking wrapper. */
export function setupLines(ctx: Ctx, setup: Site, status: string): string[] {
  const stmtText = src(ctx, setup.stmt);
  switch (setup.shape.kind) {
    case 'assign':
      return [stmtText];
    case 'bare':
    case 'returned':
      return [`${status} = ${src(ctx, setup.call)};`];
    case 'wrap': {
      const s = setup.stmt.startIndex;
      const kept = stmtText.slice(0, setup.call.startIndex - s) + status + stmtText.slice(setup.call.endIndex - s);
      return [`${status} = ${src(ctx, setup.call)};`, kept];
    }
    default:
      return [];
  }
}

/** True when the wrapper never returns on failure (BUG_ON): no guard or bail-out is needed after it. */
export function stopsOnFailure(ctx: Ctx, setup: Site): boolean {
  return setup.shape.kind === 'wrap' && ctx.lex.noReturnIf.includes(setup.shape.wrapper);
}

export function bailLine(ctx: Ctx, publish: Site, status: string): { line: string; how: string } | string {
  const fn = functionOf(publish.stmt);
  if (!fn) return 'the calls are not inside a function';
  const label = errorLabel(fn, publish.stmt, status);
  if (label) return { line: `goto ${label};`, how: `goto ${label}` };
  const kind = returnKind(fn);
  if (kind === 'int') return { line: `return ${status};`, how: 'return' };
  if (kind === 'void') return { line: 'return;', how: 'return' };
  return `the function returns \`${fn.childForFieldName('type')?.text}\`, so it cannot return the status`;
}

/** Why a publish statement cannot be put under `if (ok)` with the set-up's result in `status`, or undefined. */
export function unguardable(publish: Site, status: string): string | undefined {
  const t = publish.stmt.type;
  if (t === 'declaration') return `${fnName(publish)} is in a declaration, which cannot be guarded`;
  if (/^(return|goto|break|continue)_statement$/.test(t)) return `${fnName(publish)} is in a ${t.replace('_statement', '')} statement; guarding it would fall through, so bail out instead`;
  const unset = unsetByGuard(publish.stmt, status);
  if (unset) return `${fnName(publish)} stores \`${unset}\`, which is used after it; guarding it would leave \`${unset}\` unset on failure, so bail out instead`;
  return undefined;
}

/**
 * A variable the publish statement writes, other than the status, that code after it reads (typically
 * `ret = f(publish(...)); return ret;`): skipped by the guard, it would be unset on failure. The status
 * itself is fine: on failure it holds the set-up's error.
 */
function unsetByGuard(stmt: SyntaxNode, status: string): string | undefined {
  const fn = functionOf(stmt);
  if (!fn) return undefined;
  const written = [...writes(stmt)].filter((v) => v !== status);
  if (!written.length) return undefined;
  const later = new Set(fn.descendantsOfType('identifier').filter((i) => i.startIndex >= stmt.endIndex).map((i) => i.text));
  return written.find((v) => later.has(v));
}
