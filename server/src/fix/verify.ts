// Verification of a candidate fix: the fixed text must parse as well as before, the finding must be gone,
// no other finding may appear, and the fixed function may not gain a path that falls off its end.
// Positions move with edits, so findings are compared by identity keys.
import { BUILTIN_LEXICON } from '../core/kb/builtin';
import { parseText, type Parsed } from '../core/parse';
import { AnalysisDeadline } from '../core/project';
import type { Finding } from '../core/types';
import { functionOf, returnKind } from './function-facts';
import { calleeName, nodeAt, parseC, parseFunction, syntaxErrorCount, unparen, type SyntaxNode } from './syntax';

export interface AnalysisHost {
  /** With `deadline`: complete findings or an AnalysisDeadline; `parsed`: a parse of `text` to reuse. */
  findingsForText(file: string, text: string, options?: { deadline?: number; parsed?: Parsed }): Finding[];
}

export interface VerifyOptions {
  /** Date.now() by which the verification must be done; past it the fix is `unchecked`, never accepted. */
  deadline?: number;
  /** The host parses with the same loop prefixes, so the verification's parse of the fixed text can be shared. */
  shareParse?: boolean;
}

/** The verification did not finish in time: the fix is neither good nor bad. */
export interface Unchecked {
  unchecked: string;
}

/** What identifies a finding independently of where it sits. */
export function findingKey(f: Finding): string {
  return [f.code, f.function, f.primary.callee, f.primary.cpu, f.other?.callee ?? ''].join('|');
}

function counts(findings: readonly Finding[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const f of findings) m.set(findingKey(f), (m.get(findingKey(f)) ?? 0) + 1);
  return m;
}

/**
 * `{ after }` (the findings of `newText`) when it is a good fix of `finding`, `{ reason }` when it is not, and
 * `{ unchecked }` when `options.deadline` passed first.
 */
export function verifyFix(
  host: AnalysisHost, file: string, text: string, newText: string, finding: Finding,
  before?: readonly Finding[], errorsBefore?: number, loopPrefixes?: readonly string[],
  noReturn: readonly string[] = BUILTIN_LEXICON.noReturn, options: VerifyOptions = {},
): { after: Finding[]; errorsAfter: number } | { reason: string } | Unchecked {
  const { deadline } = options;
  const late = () => deadline !== undefined && Date.now() > deadline;
  if (late()) return { unchecked: 'there was no time left to verify it' };
  const errs0 = errorsBefore ?? syntaxErrorCount(parseC(text, loopPrefixes).rootNode);
  // One parse of the fixed text serves the syntax check and (shared) the re-analysis.
  const parsed = parseText(newText, loopPrefixes);
  if (parsed.truncated && parsed.truncatedBy === 'time') return { unchecked: 'the fixed code could not be parsed within the parse time limit' };
  const errs1 = syntaxErrorCount(parsed.tree.rootNode);
  if (errs1 > errs0) return { reason: `the fixed code would not parse (${errs1 - errs0} new syntax error${errs1 - errs0 > 1 ? 's' : ''})` };
  const falls = newFallOff(text, newText, finding, loopPrefixes, noReturn);
  if (falls) return { reason: falls };
  if (late()) return { unchecked: 'its re-analysis could not start within the time bound' };
  let after: Finding[];
  let beforeFindings: readonly Finding[];
  try {
    after = host.findingsForText(file, newText, { deadline, ...(options.shareParse ? { parsed } : {}) });
    beforeFindings = before ?? host.findingsForText(file, text, { deadline });
  } catch (e) {
    if (e instanceof AnalysisDeadline) return { unchecked: 'its re-analysis did not finish within the time bound' };
    return { reason: `the fixed code could not be re-analysed (${e instanceof Error ? e.message : String(e)})` };
  }
  const was = counts(beforeFindings);
  const now = counts(after);
  const key = findingKey(finding);
  if ((now.get(key) ?? 0) >= (was.get(key) ?? 0)) return { reason: `the fixed code would still raise ${finding.code}` };
  for (const f of after) {
    const k = findingKey(f);
    const allowed = (was.get(k) ?? 0) - (k === key ? 1 : 0);
    if ((now.get(k) ?? 0) > allowed) return { reason: `the fixed code would raise ${f.code} (${f.message})` };
  }
  return { after, errorsAfter: errs1 };
}

/**
 * Why the fixed function (non-void) could now fall off its end where the original could not, or undefined.
 * Cheap: no return statement may be lost, and a body that ended in a return, goto or no-return call still
 * does. Fixes edit only inside the finding's function, so it ends `newText.length - text.length` later.
 */
export function newFallOff(text: string, newText: string, finding: Finding, loopPrefixes?: readonly string[], noReturn: readonly string[] = BUILTIN_LEXICON.noReturn): string | undefined {
  const { start, end } = finding.functionSpan;
  const shifted = end + newText.length - text.length;
  if (shifted <= start || text.slice(0, start) !== newText.slice(0, start) || text.slice(end) !== newText.slice(shifted)) return undefined;
  const fn0 = functionAt(parseFunction(text, start, end, loopPrefixes).rootNode, start, end);
  const fn1 = functionAt(parseFunction(newText, start, shifted, loopPrefixes).rootNode, start, shifted);
  if (!fn0 || !fn1 || returnKind(fn0) === 'void') return undefined;
  const name = `\`${finding.function}()\``;
  const returns0 = fn0.descendantsOfType('return_statement').length;
  const returns1 = fn1.descendantsOfType('return_statement').length;
  if (returns1 < returns0) return `the fixed code would drop a return from ${name}`;
  const body0 = fn0.childForFieldName('body');
  const body1 = fn1.childForFieldName('body');
  if (body0 && body1 && endsFlow(body0, noReturn) && !endsFlow(body1, noReturn)) {
    return `the fixed code would let ${name} fall off its end without returning a value`;
  }
  return undefined;
}

function functionAt(root: SyntaxNode, start: number, end: number): SyntaxNode | undefined {
  const exact = nodeAt(root, start, end, (n) => n.type === 'function_definition');
  if (exact) return exact;
  const inner = root.descendantForIndex(start, Math.max(start, end - 1));
  return inner ? functionOf(inner) : undefined;
}

/** Whether control never reaches the end of `n`: return, goto, a no-return call, or blocks/branches ending so. */
function endsFlow(n: SyntaxNode, noReturn: readonly string[]): boolean {
  switch (n.type) {
    case 'return_statement':
    case 'goto_statement':
      return true;
    case 'expression_statement': {
      const e = n.namedChild(0);
      const call = e && unparen(e);
      return call?.type === 'call_expression' && noReturn.includes(calleeName(call) ?? '');
    }
    case 'compound_statement':
    case 'labeled_statement': {
      const last = n.namedChildren.filter((c) => c.type !== 'comment').pop();
      return !!last && last.type !== 'statement_identifier' && endsFlow(last, noReturn);
    }
    case 'if_statement': {
      const then = n.childForFieldName('consequence');
      const alt = n.childForFieldName('alternative');
      const other = alt?.type === 'else_clause' ? alt.namedChildren.filter((c) => c.type !== 'comment').pop() : alt;
      return !!then && !!other && endsFlow(then, noReturn) && endsFlow(other, noReturn);
    }
    default:
      return false;
  }
}
