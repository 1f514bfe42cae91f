// HP002 (set-up failure ignored): keep the result and skip the publish on failure, as guard or bail-out.
import { hiddenControlFlow } from './dataflow';
import type { Built, Candidate, Ctx } from './candidates';
import type { TextEdit } from './edits';
import { fnName, sites, src, tests } from './fix-context';
import { functionOf } from './function-facts';
import { blockIndent, underGuard } from './layout';
import { isStatementList, statementsInRange } from './sites';
import { bailLine, chooseStatus, setupLines, unguardable } from './status';

export function hp002(ctx: Ctx): Built {
  const s = sites(ctx);
  if (typeof s === 'string') return { candidates: [], reasons: [s] };
  const setup = s.a;
  const publish = s.b;
  if (setup.stmt.endIndex > publish.stmt.startIndex) return { candidates: [], reasons: [`${fnName(publish)} does not follow ${fnName(setup)}`] };
  if (setup.shape.kind === 'other') return { candidates: [], reasons: [setup.shape.reason] };
  if (setup.shape.kind === 'condition') {
    return { candidates: [], reasons: [`the result of ${fnName(setup)} is already tested; make that test skip ${fnName(publish)} by hand`] };
  }
  if (!isStatementList(setup.stmt.parent)) return { candidates: [], reasons: [`${fnName(setup)} is the body of another statement`] };
  const fn = functionOf(setup.stmt);
  const body = fn?.childForFieldName('body');
  if (!fn || !body) return { candidates: [], reasons: ['the calls are not inside a function'] };
  const region = statementsInRange(body, setup.stmt.endIndex, publish.stmt.startIndex);
  const hidden = hiddenControlFlow(region, ctx.lex);
  if (hidden) return { candidates: [], reasons: [hidden] };
  const status = chooseStatus(ctx, setup, publish, region, false);
  if (typeof status === 'string') return { candidates: [], reasons: [status] };

  const { text, eol } = ctx;
  const reasons: string[] = [];
  const candidates: Candidate[] = [];
  const decl = status.declare ? [status.declare] : [];
  const sInd = blockIndent(text, setup.stmt);
  const lines = setupLines(ctx, setup, status.name);
  const setupEdit: TextEdit = { start: setup.stmt.startIndex, end: setup.stmt.endIndex, newText: lines.join(eol + sInd.ind) };
  const cannot = status.noGuard ?? (!isStatementList(publish.stmt.parent) ? `${fnName(publish)} is the body of another statement` : unguardable(publish, status.name));
  if (cannot) {
    reasons.push(cannot);
  } else {
    const p = blockIndent(text, publish.stmt);
    const guard = { start: publish.stmt.startIndex, end: publish.stmt.endIndex, newText: `if (${tests(setup, status.name).ok})${eol}${p.ind}${underGuard(src(ctx, publish.stmt), p.unit)}` };
    const edits = setup.shape.kind === 'assign' || setup.shape.kind === 'declare' ? [...decl, guard] : [...decl, setupEdit, guard];
    candidates.push({ variant: 'guard', title: `Publish only if ${fnName(setup)} succeeds (keep its result in \`${status.name}\`)`, edits });
  }
  const bail = bailLine(ctx, setup, status.name);
  if (typeof bail === 'string') reasons.push(bail);
  else if (setup.shape.kind === 'declare') {
    // Not right after the declaration (more may follow): just before the publish.
    if (!isStatementList(publish.stmt.parent) || publish.stmt.type === 'declaration') reasons.push(`${fnName(publish)} cannot be preceded by a check where it is`);
    else {
      const p = blockIndent(text, publish.stmt);
      const check = `if (${tests(setup, status.name).failed})${eol}${p.ind}${p.unit}${bail.line}${eol}${p.ind}`;
      candidates.push({ variant: 'bail-out', title: `${bail.how === 'return' ? 'Return' : `Jump to ${bail.line.slice(5, -1)}`} before ${fnName(publish)} if ${fnName(setup)} failed`, edits: [{ start: publish.stmt.startIndex, end: publish.stmt.startIndex, newText: check }] });
    }
  } else {
    const check = `if (${tests(setup, status.name).failed})${eol}${sInd.ind}${sInd.unit}${bail.line}`;
    candidates.push({ variant: 'bail-out', title: `${bail.how === 'return' ? 'Return' : `Jump to ${bail.line.slice(5, -1)}`} if ${fnName(setup)} fails`, edits: [...decl, { ...setupEdit, newText: [...lines, check].join(eol + sInd.ind) }] });
  }
  return { candidates, reasons };
}
