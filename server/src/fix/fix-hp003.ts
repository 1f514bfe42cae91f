// HP003 (IPI teardown while online): move the teardown after the offline publish.
import type { Built, Ctx } from './candidates';
import { fnName, sites, src } from './fix-context';
import { afterStatement, deleteStatement } from './layout';
import { moveProblem } from './move-checks';
import { between, isStatementList } from './sites';
import { indentAt } from './text-style';

export function hp003(ctx: Ctx): Built {
  const s = sites(ctx);
  if (typeof s === 'string') return { candidates: [], reasons: [s] };
  const teardown = s.a;
  const offline = s.b;
  if (teardown.stmt.parent?.id !== offline.stmt.parent?.id || !isStatementList(teardown.stmt.parent)) {
    return { candidates: [], reasons: [`${fnName(teardown)} and ${fnName(offline)} are in different blocks, so they cannot be reordered locally`] };
  }
  if (offline.stmt.startIndex < teardown.stmt.endIndex) return { candidates: [], reasons: [`${fnName(offline)} does not follow ${fnName(teardown)} in the same block`] };
  if (teardown.shape.kind === 'other') return { candidates: [], reasons: [teardown.shape.reason] };
  const jumped = [...between(teardown.stmt, offline.stmt), offline.stmt];
  const problem = moveProblem(ctx, teardown, jumped, 'teardown', offline.call);
  const why = problem.hard ?? problem.resultUse;
  if (why) return { candidates: [], reasons: [why] };
  const at = afterStatement(ctx.text, offline.stmt);
  const ind = indentAt(ctx.text, offline.stmt.startIndex);
  return {
    candidates: [{
      variant: 'move',
      title: `Move ${fnName(teardown)} after ${fnName(offline)}`,
      edits: [deleteStatement(ctx.text, teardown.stmt), { start: at, end: at, newText: ctx.eol + ind + src(ctx, teardown.stmt) }],
    }],
    reasons: [],
  };
}
