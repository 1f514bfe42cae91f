// Candidate edits for each fixable code, before verification. Each builder either returns variants
// or says why a variant cannot be built; verification then decides what is offered.
import type { Lexicon } from '../core/kb/kb';
import type { Finding } from '../core/types';
import { conflicts, hiddenControlFlow, mentionedIn, mentions, orderedCall, writes } from './dataflow';
import type { TextEdit } from './edits';
import { declarationPoint, errorLabel, freshStatusName, functionOf, returnKind, statusVariable } from './function-facts';
import { afterStatement, blockIndent, deleteStatement, underGuard } from './layout';
import { between, isStatementList, siteOf, statementsInRange, type Site } from './sites';
import type { SyntaxNode } from './syntax';
import { eolOf, indentAt, lineStart } from './text-style';

export type Variant = 'guard' | 'bail-out' | 'move';

export interface Candidate {
  variant: Variant;
  title: string;
  edits: TextEdit[];
}

export interface Built {
  candidates: Candidate[];
  /** Why variants could not be built (the first is the most relevant). */
  reasons: string[];
}

interface Ctx {
  text: string;
  root: SyntaxNode;
  lex: Lexicon;
  eol: string;
  finding: Finding;
}

export function buildCandidates(text: string, root: SyntaxNode, finding: Finding, lex: Lexicon): Built {
  const ctx: Ctx = { text, root, lex, eol: eolOf(text), finding };
  switch (finding.code) {
    case 'HP001':
      return hp001(ctx);
    case 'HP002':
      return hp002(ctx);
    case 'HP003':
      return hp003(ctx);
    default:
      return { candidates: [], reasons: [`${finding.code} has no automatic fix`] };
  }
}

function sites(ctx: Ctx): { a: Site; b: Site } | string {
  const f = ctx.finding;
  if (!f.other) return 'the finding names only one call';
  const a = siteOf(ctx.root, f.primary, ctx.lex);
  const b = siteOf(ctx.root, f.other, ctx.lex);
  if (!a || !b) return 'the calls are no longer where the analysis found them';
  if (f.primary.callSite === f.other.callSite || a.call.id === b.call.id) return 'both events come from the same call, so there is nothing to reorder';
  return { a, b };
}

/** A node's original text (the parsed text has loop macros rewritten). */
const src = (ctx: Ctx, n: SyntaxNode): string => ctx.text.slice(n.startIndex, n.endIndex);

const fnName = (s: Site): string => `\`${s.event.callee}()\``;

/** Whether the set-up reports a status a fix can check: the knowledge base says so for a direct call. */
function returnsStatus(s: Site): boolean {
  return !!s.event.entry.returnsStatus && s.event.via.length <= 1;
}

/** Set-ups that return an irq number (>= 0) rather than 0 on success, like bind_ipi_to_irqhandler(). */
function returnsIrq(s: Site): boolean {
  return /^bind_\w*irq/.test(s.event.entry.name) || /returns (the|an) irq/i.test(s.event.entry.note ?? '');
}

/** The C conditions for failure and success of a set-up whose result is in `v`. */
function tests(s: Site, v: string): { failed: string; ok: string } {
  return returnsIrq(s) ? { failed: `${v} < 0`, ok: `${v} >= 0` } : { failed: v, ok: `!${v}` };
}

/** What a moved statement reads: for `v = call` / `int v = call`, only the call. */
function readsOf(site: Site): Set<string> {
  return site.shape.kind === 'assign' || site.shape.kind === 'declare' ? mentions(site.call) : mentions(site.stmt);
}

/**
 * Why moving `moved` across `jumped` (statements of the same block) would change meaning, or undefined.
 * The moved statement's own result variable being used in between is reported separately (`resultUse`),
 * since the guard and bail-out shapes handle a shared status variable.
 */
function moveProblem(ctx: Ctx, site: Site, jumped: SyntaxNode[], what: string, anchor: SyntaxNode): { hard?: string; resultUse?: string } {
  const hidden = hiddenControlFlow(jumped, ctx.lex);
  if (hidden) return { hard: hidden };
  const args = site.call.childForFieldName('arguments');
  const argUse = conflicts(args ? mentions(args) : new Set(), jumped);
  if (argUse.length) return { hard: `the ${what}'s arguments use \`${argUse[0]}\`, which is computed between the two calls` };
  const otherUse = conflicts(readsOf(site), jumped);
  if (otherUse.length) return { hard: `the ${what} statement uses \`${otherUse[0]}\`, which is computed between the two calls` };
  const other = orderedCall(jumped, ctx.lex, anchor);
  if (other) return { hard: `moving the ${what} would also reorder it with \`${other}()\`, whose order may matter` };
  const seen = mentionedIn(jumped);
  const changed = [...writes(site.stmt)].filter((x) => seen.has(x));
  if (changed.length) return { resultUse: `moving the ${what} would change \`${changed[0]}\`, which the statements in between also use` };
  return {};
}

/** The status variable for guard and bail-out shapes, with any declaration it needs. */
interface Status {
  name: string;
  declare?: TextEdit;
  /** Why the guard shape does not fit (the bail-out still may). */
  noGuard?: string;
}

function chooseStatus(ctx: Ctx, setup: Site, publish: Site, region: SyntaxNode[], publishFirst: boolean): Status | string {
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
  if (point.after) {
    return { name, declare: { start: point.after.endIndex, end: point.after.endIndex, newText: `${ctx.eol}${indentAt(ctx.text, point.after.startIndex)}int ${name};` } };
  }
  const first = point.before!;
  const at = lineStart(ctx.text, first.startIndex);
  return { name, declare: { start: at, end: at, newText: `${indentAt(ctx.text, first.startIndex)}int ${name};${ctx.eol}${ctx.eol}` } };
}

/** The set-up statement rewritten to store its result in `status`, keeping any checking wrapper. */
function setupLines(ctx: Ctx, setup: Site, status: string): string[] {
  const stmtText = src(ctx, setup.stmt);
  switch (setup.shape.kind) {
    case 'assign':
      return [stmtText];
    case 'bare':
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
function stopsOnFailure(ctx: Ctx, setup: Site): boolean {
  return setup.shape.kind === 'wrap' && ctx.lex.noReturnIf.includes(setup.shape.wrapper);
}

function bailLine(ctx: Ctx, publish: Site, status: string): { line: string; how: string } | string {
  const fn = functionOf(publish.stmt)!;
  const label = errorLabel(fn, publish.stmt, status);
  if (label) return { line: `goto ${label};`, how: `goto ${label}` };
  const kind = returnKind(fn);
  if (kind === 'int') return { line: `return ${status};`, how: 'return' };
  if (kind === 'void') return { line: 'return;', how: 'return' };
  return `the function returns \`${fn.childForFieldName('type')?.text}\`, so it cannot return the status`;
}

function hp001(ctx: Ctx): Built {
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
  const jumped = [publish.stmt, ...between(publish.stmt, setup.stmt)];
  const problem = moveProblem(ctx, setup, jumped, 'set-up', publish.call);
  if (problem.hard) return { candidates: [], reasons: [problem.hard] };
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
      const cannot = status.noGuard ?? unguardable(publish);
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
  } else {
    candidates.push({ variant: 'move', title: `Move ${names}`, edits: [{ start: publish.stmt.startIndex, end: publish.stmt.startIndex, newText: src(ctx, setup.stmt) + nl }, del] });
  }
  return { candidates, reasons };
}

/** Why a publish statement cannot be put under `if (ok)`, or undefined. */
function unguardable(publish: Site): string | undefined {
  const t = publish.stmt.type;
  if (t === 'declaration') return `${fnName(publish)} is in a declaration, which cannot be guarded`;
  if (/^(return|goto|break|continue)_statement$/.test(t)) return `${fnName(publish)} is in a ${t.replace('_statement', '')} statement; guarding it would fall through, so bail out instead`;
  return undefined;
}

/**
 * `v = setup(...)` followed by statements that check and store `v` (`if (v < 0) return v; per_cpu(x, cpu) = v;`):
 * move the whole run before the publish. Allowed only when `v` is set by the run before any use, the
 * statements jumped over do not read the run's `v`, and nothing after the run reads `v` before setting it.
 */
function groupMove(ctx: Ctx, setup: Site, publish: Site, jumped: SyntaxNode[]): Candidate | string {
  if (setup.shape.kind !== 'assign') return 'the set-up cannot be moved on its own';
  const v = setup.shape.variable;
  const args = setup.call.childForFieldName('arguments');
  if (args && mentions(args).has(v)) return `the set-up's arguments use \`${v}\``;
  const group = [setup.stmt];
  // Only checks (if statements) and stores (expression statements): never an unconditional return or jump.
  for (let n = setup.stmt.nextNamedSibling; n && (n.type === 'if_statement' || n.type === 'expression_statement') && mentions(n).has(v) && !writes(n).has(v); n = n.nextNamedSibling) group.push(n);
  const hidden = hiddenControlFlow([...jumped, ...group.slice(1)], ctx.lex);
  if (hidden) return hidden;
  const other = orderedCall(jumped, ctx.lex, publish.call) ?? orderedCall(group.slice(1), ctx.lex);
  if (other) return `moving the set-up would also reorder it with \`${other}()\`, whose order may matter`;
  const reads = new Set([...group.flatMap((g) => [...mentions(g)])].filter((x) => x !== v));
  for (const g of group) for (const w of writes(g)) if (w !== v) reads.add(w);
  const clash = conflicts(reads, jumped);
  if (clash.length) return `the set-up and its checks use \`${clash[0]}\`, which is computed between the two calls`;
  const jWrites = new Set(jumped.flatMap((j) => [...writes(j)]));
  const groupWrites = new Set(group.flatMap((g) => [...writes(g)]));
  const jMentions = mentionedIn(jumped);
  const moved = [...groupWrites].find((w) => w !== v && jMentions.has(w));
  if (moved) return `moving the set-up would change \`${moved}\`, which the statements in between use`;
  // Jumped statements may use `v` only after setting it (the publish assigns it first).
  if (jMentions.has(v) && !(publish.shape.kind === 'assign' && publish.shape.variable === v)) return `\`${v}\` is used between the two calls`;
  // After the run, `v` used to hold the set-up's value; now it holds the jumped code's. It must be dead or reset.
  const last = group[group.length - 1];
  const fn = functionOf(last);
  if (!fn) return 'the calls are not inside a function';
  const after = statementsInRange(fn.childForFieldName('body') ?? fn, last.endIndex, fn.endIndex);
  const firstUse = after.find((n) => mentions(n).has(v));
  const resets = firstUse && firstUse.type === 'expression_statement' && firstUse.namedChild(0)?.type === 'assignment_expression'
    && firstUse.namedChild(0)?.childForFieldName('left')?.text === v && !mentions(firstUse.namedChild(0)!.childForFieldName('right')!).has(v);
  if (firstUse && !resets && jWrites.has(v)) return `\`${v}\` is read after the set-up, so its value must stay the set-up's`;
  const { text, eol } = ctx;
  const nl = eol + blockIndent(text, publish.stmt).ind;
  const block = text.slice(setup.stmt.startIndex, last.endIndex);
  const del = deleteStatement(text, setup.stmt);
  const delEnd = deleteStatement(text, last);
  return {
    variant: 'move',
    title: `Move ${fnName(setup)} and the checks of \`${v}\` before ${fnName(publish)}`,
    edits: [{ start: publish.stmt.startIndex, end: publish.stmt.startIndex, newText: block + nl }, { start: del.start, end: Math.max(del.end, delEnd.end), newText: '' }],
  };
}

function hp002(ctx: Ctx): Built {
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
  const cannot = status.noGuard ?? (!isStatementList(publish.stmt.parent) ? `${fnName(publish)} is the body of another statement` : unguardable(publish));
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

function hp003(ctx: Ctx): Built {
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
