// Verification of a candidate fix: the fixed text must parse as well as before, the finding must be gone,
// and no other finding may appear. Positions move with edits, so findings are compared by identity keys.
import type { Finding } from '../core/types';
import { parseC, syntaxErrorCount } from './syntax';

export interface AnalysisHost {
  findingsForText(file: string, text: string): Finding[];
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

/** `{ after }` (the findings of `newText`) when it is a good fix of `finding`, else `{ reason }`. */
export function verifyFix(
  host: AnalysisHost, file: string, text: string, newText: string, finding: Finding,
  before?: readonly Finding[], errorsBefore?: number, loopPrefixes?: readonly string[],
): { after: Finding[] } | { reason: string } {
  const errs0 = errorsBefore ?? syntaxErrorCount(parseC(text, loopPrefixes).rootNode);
  const errs1 = syntaxErrorCount(parseC(newText, loopPrefixes).rootNode);
  if (errs1 > errs0) return { reason: `the fixed code would not parse (${errs1 - errs0} new syntax error${errs1 - errs0 > 1 ? 's' : ''})` };
  let after: Finding[];
  try {
    after = host.findingsForText(file, newText);
  } catch (e) {
    return { reason: `the fixed code could not be re-analysed (${e instanceof Error ? e.message : String(e)})` };
  }
  const was = counts(before ?? host.findingsForText(file, text));
  const now = counts(after);
  const key = findingKey(finding);
  if ((now.get(key) ?? 0) >= (was.get(key) ?? 0)) return { reason: `the fixed code would still raise ${finding.code}` };
  for (const f of after) {
    const k = findingKey(f);
    const allowed = (was.get(k) ?? 0) - (k === key ? 1 : 0);
    if ((now.get(k) ?? 0) > allowed) return { reason: `the fixed code would raise ${f.code} (${f.message})` };
  }
  return { after };
}
