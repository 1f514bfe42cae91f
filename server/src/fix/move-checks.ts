// Whether a statement can move past others without changing meaning, and moving a set-up with its checks.
import { conflicts, hiddenControlFlow, mentionedIn, mentions, orderedCall, writes } from './dataflow';
import type { Candidate, Ctx } from './candidates';
import { fnName } from './fix-context';
import { functionOf } from './function-facts';
import { blockIndent, deleteStatement } from './layout';
import { statementsInRange, type Site } from './sites';
import type { SyntaxNode } from './syntax';

/** What a moved statement reads: for `v = call` / `int v = call`, only the call. */
export function readsOf(site: Site): Set<string> {
  return site.shape.kind === 'assign' || site.shape.kind === 'declare' ? mentions(site.call) : mentions(site.stmt);
}

/**
 * Why moving `moved` across `jumped` (statements of the same block) would change meaning, or undefined.
 * The moved statement's own result variable being used in between is reported separately (`resultUse`),
 * since the guard and bail-out shapes handle a shared status variable.
 */
export function moveProblem(ctx: Ctx, site: Site, jumped: SyntaxNode[], what: string, anchor: SyntaxNode): { hard?: string; resultUse?: string } {
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

/**
 * `v = setup(...)` followed by statements that check and store `v` (`if (v < 0) return v; per_cpu(x, cpu) = v;`):
 * move the whole run before the publish. Allowed only when `v` is set by the run before any use, the
 * statements jumped over do not read the run's `v`, and nothing after the run reads `v` before setting it.
 */
export function groupMove(ctx: Ctx, setup: Site, publish: Site, jumped: SyntaxNode[]): Candidate | string {
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
