// Interim: the Project API of docs/architecture.md, until server/src/core/project.ts lands; then this re-exports it.
import type { KnowledgeBase } from '../core/kb/kb';
import type { Finding, Span } from '../core/types';
import type { TreeEdit } from './documents';

export interface Project {
  setFile(file: string, text: string, edits?: TreeEdit[]): void;
  removeFile(file: string): void;
  files(): string[];
  findings(file: string): Finding[];
  findingsForText(file: string, text: string): Finding[];
  hoverAt(file: string, offset: number): { span: Span; markdown: string } | undefined;
  functionAt(file: string, offset: number): { name: string; span: Span } | undefined;
  functions(file: string): { name: string; span: Span }[];
}

export function createProject(kb: KnowledgeBase, options: { functionBudgetMs?: number }): Project {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Project: P } = require('../core/project') as { Project: new (kb: KnowledgeBase, o: { functionBudgetMs?: number }) => Project };
  return new P(kb, options);
}
