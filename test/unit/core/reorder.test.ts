// Project.reorder: a project filled in one order and reordered holds what a project built in the new order holds,
// without parsing again (the optimised scan admits files round by round, then reports in scan order).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { collectFiles } from '../../../server/src/cli/scan-engine';
import { KnowledgeBase } from '../../../server/src/core/kb/kb';
import { Project } from '../../../server/src/core/project';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');

function build(files: string[]): Project {
  const p = new Project(KnowledgeBase.builtin());
  for (const f of files) p.setFile(f, fs.readFileSync(f, 'utf8'));
  return p;
}

const all = (p: Project) => JSON.stringify(p.files().map((f) => [f, p.findings(f), p.functions(f).map((fn) => [fn.name, p.summary(fn.name)])]));

test('a reordered project equals one built in that order, and keeps its parses', () => {
  const files = collectFiles([path.join(ROOT, 'samples'), path.join(ROOT, 'test', 'fixtures', 'core')]);
  assert.ok(files.length > 10);
  const reversed = build([...files].reverse());
  reversed.findings(files[0]); // summaries computed in the reversed order first
  const trees = files.map((f) => reversed.tree(f));
  reversed.reorder(files);
  assert.deepEqual(reversed.files(), files);
  assert.equal(all(reversed), all(build(files)));
  assert.ok(files.every((f, i) => reversed.tree(f) === trees[i]), 'no file parsed again');
});

test('reorder refuses an order that is not the project\'s files', () => {
  const files = collectFiles([path.join(ROOT, 'samples')]);
  const p = build(files);
  assert.throws(() => p.reorder(files.slice(1)), /every file of the project once/);
  assert.throws(() => p.reorder([...files.slice(1), files[1]]), /every file of the project once/);
  assert.throws(() => p.reorder([...files.slice(1), 'elsewhere.c']), /every file of the project once/);
  assert.deepEqual(p.files(), files, 'unchanged after a refusal');
});
