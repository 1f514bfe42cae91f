// Shared helpers of the fix tests: a real project over real fixture text.
import * as fs from 'fs';
import * as path from 'path';
import { KnowledgeBase } from '../../../server/src/core/kb/kb';
import type { Finding, KbEntry } from '../../../server/src/core/types';
import { Project } from '../../../server/src/core/project';

export const FIXTURES = path.join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'fix');

/** Test-only knowledge: a void AP-side IPI enable and a set-up taking a computed name. */
export const EXTRA: KbEntry[] = [
  { name: 'ipi_enable_self', kind: 'function', role: 'ipi-setup', cpuArg: 0, source: 'test' },
];

export function kb(): KnowledgeBase {
  return KnowledgeBase.builtin().extend(EXTRA);
}

export function project(): Project {
  return new Project(kb(), {});
}

export function fixture(name: string): { file: string; text: string } {
  const file = path.join(FIXTURES, name);
  return { file, text: fs.readFileSync(file, 'utf8') };
}

/** The project with `text` loaded as `file`, and the file's findings. */
export function load(name: string, text?: string): { p: Project; file: string; text: string; findings: Finding[] } {
  const fx = fixture(name);
  const t = text ?? fx.text;
  const p = project();
  p.setFile(fx.file, t);
  return { p, file: fx.file, text: t, findings: p.findings(fx.file) };
}

export function one(findings: Finding[], code: string, fn?: string): Finding {
  const hits = findings.filter((f) => f.code === code && (!fn || f.function === fn));
  if (hits.length !== 1) throw new Error(`expected one ${code}${fn ? ` in ${fn}` : ''}, got ${hits.length}: ${findings.map((f) => `${f.code} ${f.function}`).join(', ')}`);
  return hits[0];
}
