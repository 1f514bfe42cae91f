// Candidate edits for each fixable code, before verification. Each builder either returns variants
// or says why a variant cannot be built; verification then decides what is offered.
import type { Lexicon } from '../core/kb/kb';
import type { Finding } from '../core/types';
import type { TextEdit } from './edits';
import { hp001 } from './fix-hp001';
import { hp002 } from './fix-hp002';
import { hp003 } from './fix-hp003';
import type { SyntaxNode } from './syntax';
import { eolOf } from './text-style';

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

export interface Ctx {
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
