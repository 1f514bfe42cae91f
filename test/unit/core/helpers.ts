// Shared helpers of the core tests: fixtures, a project over them, and the "expect HPxxx" markers they carry.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Project } from '../../../server/src/core/project';
import { KnowledgeBase } from '../../../server/src/core/kb/kb';
import type { Finding } from '../../../server/src/core/types';

export const FIXTURES = path.resolve(__dirname, '../../../../test/fixtures/core');

export function fixture(name: string): string {
  return path.join(FIXTURES, name);
}

export function read(name: string): string {
  return fs.readFileSync(fixture(name), 'utf8');
}

export function projectOf(names: string[], options?: { functionBudgetMs?: number }): Project {
  const p = new Project(KnowledgeBase.builtin(), options);
  for (const n of names) p.setFile(fixture(n), read(n));
  return p;
}

/** `file:line:code` for each "expect HPxxx" marker (1-based lines). */
export function expectedMarks(name: string): string[] {
  const out: string[] = [];
  read(name).split('\n').forEach((l, i) => {
    for (const m of l.matchAll(/expect (HP\d{3})/g)) out.push(`${name}:${i + 1}:${m[1]}`);
  });
  return out.sort();
}

export function marks(name: string, findings: Finding[]): string[] {
  return findings.map((f) => `${name}:${f.span.startLine + 1}:${f.code}`).sort();
}

/** Text of a line of a fixture (1-based), for locating calls. */
export function offsetOf(text: string, needle: string, nth = 0): number {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`not found: ${needle}`);
  }
  return at;
}
