// gcc-style text output: `path:line:col: error: message [HP001]`, one line per finding (1-based line and column).
import type { Finding, Severity } from '../core/types';

const LABEL: Record<Severity, string> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

export function formatText(findings: readonly Finding[]): string {
  return findings
    .map((f) => `${f.file}:${f.span.startLine + 1}:${f.span.startCol + 1}: ${LABEL[f.severity]}: ${oneLine(f.message)} [${f.code}]\n`)
    .join('');
}

function oneLine(s: string): string {
  return s.replace(/\s*[\r\n]+\s*/g, ' ');
}
