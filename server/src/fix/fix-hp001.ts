// HP001 (published online before the IPI set-up): move the set-up first, as guard, bail-out or plain move.
import type { Built, Candidate, Ctx } from './candidates';
import type { TextEdit } from './edits';
import { fnName, returnsIrq, returnsStatus, sites, src, tests } from './fix-context';
import { blockIndent, deleteStatement, underGuard } from './layout';
import { groupMove, moveProblem } from './move-checks';
import { between, isStatementList, type Site } from './sites';
import { functionOf, returnKind } from './function-facts';
import { bailLine, chooseStatus, setupLines, stopsOnFailure, unguardable } from './status';

export function hp001(ctx: Ctx): Built {
  const s = sites(ctx);
  if (typeof s === 'string') return { candidates: [], reasons: [s] };
  const publish = s.a;
  const setup = s.b;
  const reasons: string[] = [];
  if (publish.stmt.parent?.id !== setup.stmt.parent?.id || !isStatementList(publish.stmt.parent)) {
    return { candidates: [], reasons: [`${fnName(setup)} and ${fnName(publish)} are in different blocks, so they cannot be reordered locally`] };
  }
  if (setup.stmt.startIndex < publish.stmt.endIndex) {
    return { candidates: [], reasons: [`${fnName(setup)} does not follow ${fnName(publish)} in the same block`] };
  }
  if (setup.shape.kind === 'other') return { candidates: [], reasons: [setup.shape.reason] };
  if (publish.stmt.type === 'declaration' && setup.stmt.type !== 'declaration') {
    return { candidates: [], reasons: [`${fnName(publish)} is called in a declaration; moving code before it would put statements before declarations`] };
  }
  const jumped = [publish.stmt, ...between(publish.stmt, setup.stmt)];
  const problem = moveProblem(ctx, setup, jumped, 'set-up', publish.call);
  if (problem.hard) return { candidates: [], reasons: [problem.hard] };
  if (setup.shape.kind === 'returned') return returnedSetup(ctx, publish, setup);
  // A status shared with the publish (`rc = publish; ...; rc = setup;`) may be reordered by the guard and
  // bail-out shapes under the 0/-errno convention; not an irq number that later code stores.
  const sharedStatus = setup.shape.kind === 'assign' && publish.shape.kind === 'assign' && setup.shape.variable === publish.shape.variable && !returnsIrq(setup);
  if (problem.resultUse && !sharedStatus) {
    // Then move it with the statements that check and store its result, if that is safe.
    const group = groupMove(ctx, setup, publish, jumped);
    if (typeof group === 'string') return { candidates: [], reasons: [problem.resultUse, group] };
    return { candidates: [group], reasons: [problem.resultUse] };
  }

  const { text, eol } = ctx;
  const { ind, unit } = blockIndent(text, publish.stmt);
  const nl = eol + ind;
  const del = deleteStatement(text, setup.stmt);
  const candidates: Candidate[] = [];
  const names = `${fnName(setup)} before ${fnName(publish)}`;

  if (returnsStatus(setup) && (setup.shape.kind === 'bare' || setup.shape.kind === 'wrap' || setup.shape.kind === 'assign')) {
    const rest = between(publish.stmt, setup.stmt);
    const status = chooseStatus(ctx, setup, publish, rest, true);
    if (typeof status === 'string') reasons.push(status);
    else {
      const lines = setupLines(ctx, setup, status.name);
      const decl = status.declare ? [status.declare] : [];
      const replace = (newLines: string[]): TextEdit => ({ start: publish.stmt.startIndex, end: publish.stmt.endIndex, newText: newLines.join(nl) });
      const cannot = status.noGuard ?? unguardable(publish, status.name);
      if (stopsOnFailure(ctx, setup)) {
        candidates.push({ variant: 'guard', title: `Set up first: move ${names}, keep its result in \`${status.name}\``, edits: [...decl, replace([...lines, src(ctx, publish.stmt)]), del] });
      } else if (cannot) {
        reasons.push(cannot);
      } else {
        const guarded = `if (${tests(setup, status.name).ok})${eol}${ind}${underGuard(src(ctx, publish.stmt), unit)}`;
        candidates.push({ variant: 'guard', title: `Set up first: move ${names} and publish only if it succeeds`, edits: [...decl, replace([...lines, guarded]), del] });
      }
      if (!stopsOnFailure(ctx, setup)) {
        const bail = bailLine(ctx, publish, status.name);
        if (typeof bail === 'string') reasons.push(bail);
        else {
          const check = `if (${tests(setup, status.name).failed})${eol}${ind}${unit}${bail.line}`;
          candidates.push({ variant: 'bail-out', title: `Set up first: move ${names} and ${bail.how} on failure`, edits: [...decl, replace([...lines, check, src(ctx, publish.stmt)]), del] });
        }
      }
    }
  }
  if (problem.resultUse) {
    reasons.push(problem.resultUse);
    const group = groupMove(ctx, setup, publish, jumped);
    if (typeof group !== 'string') candidates.push(group);
  } else if (dropsStatus(setup)) {
    reasons.push(`${fnName(setup)} drops the status of \`${setup.event.entry.name}()\`, so a failed set-up would still be published; make it return the status`);
  } else {
    candidates.push({ variant: 'move', title: `Move ${names}`, edits: [{ start: publish.stmt.startIndex, end: publish.stmt.startIndex, newText: src(ctx, setup.stmt) + nl }, del] });
  }
  return { candidates, reasons };
}

/**
 * `...; return setup(cpu);` after the publish: set up first and bail out on failure; where the status was
 * returned, the set-up has then succeeded, so `return 0;` returns the same under the 0/-errno convention.
 */
function returnedSetup(ctx: Ctx, publish: Site, setup: Site): Built {
  const returned = `the function returns the result of \`${src(ctx, setup.call)}\``;
  if (!returnsStatus(setup) || returnsIrq(setup)) return { candidates: [], reasons: [`${returned}, which is not known to be 0 or -errno, so moving it would change what the function returns`] };
  const fn = functionOf(setup.stmt);
  if (!fn || returnKind(fn) !== 'int') return { candidates: [], reasons: [`${returned} but does not return int`] };
  const status = chooseStatus(ctx, { ...setup, shape: { kind: 'bare' } }, publish, between(publish.stmt, setup.stmt), true);
  if (typeof status === 'string') return { candidates: [], reasons: [status] };
  const { text, eol } = ctx;
  const { ind, unit } = blockIndent(text, publish.stmt);
  const lines = [`${status.name} = ${src(ctx, setup.call)};`, `if (${status.name})${eol}${ind}${unit}return ${status.name};`, src(ctx, publish.stmt)];
  return {
    candidates: [{
      variant: 'bail-out',
      title: `Set up first: move ${fnName(setup)} before ${fnName(publish)}, return on failure, else 0`,
      edits: [
        ...(status.declare ? [status.declare] : []),
        { start: publish.stmt.startIndex, end: publish.stmt.endIndex, newText: lines.join(eol + ind) },
        { start: setup.stmt.startIndex, end: setup.stmt.endIndex, newText: 'return 0;' },
      ],
    }],
    reasons: [],
  };
}

/** A wrapper around a status-returning set-up that does not pass the status on. */
function dropsStatus(setup: Site): boolean {
  return !!setup.event.entry.returnsStatus && !returnsStatus(setup);
}
