// Quick fixes for HP001-HP003 (issue 3). Pure TypeScript: uses the core, never the LSP.
export { fixesFor, preferredFix, fixRefusal, fixAll, type Fix, type FixOutcome, type FixHost, type FixAllResult } from './fixes';
export { applyEdits, editsBetween, type TextEdit } from './edits';
export { verifyFix, findingKey } from './verify';
