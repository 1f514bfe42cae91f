// Bounds of the fix engine used by the LSP (issue 7): fix-all stops at its deadline with only verified fixes
// applied, and closing a document drops the engine's cache for that file (its text and every fixed text).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KnowledgeBase } from '../../../server/src/core/kb/kb';
import { Project } from '../../../server/src/core/project';
import { fixAll, fixesFor, forgetFixes } from '../../../server/src/fix/fixes';

const REPO = path.resolve(__dirname, '..', '..', '..', '..');
const seed = fs.readFileSync(path.join(REPO, 'test', 'fuzz', 'corpus', 'hvm-cpu-up.c'), 'utf8');
const text = Array.from({ length: 6 }, (_, k) => seed.replace(/pv_hvm_cpu_up/g, `pv_hvm_cpu_up_${k}`).replace(/pv_/g, `p${k}_`)).join('\n');
const FILE = '/tmp/hpr-fix-bounds/many.c';

function project(): Project {
  const p = new Project(KnowledgeBase.builtin());
  p.setFile(FILE, text);
  return p;
}

test('fix-all: a deadline already passed applies nothing and says it stopped', () => {
  const p = project();
  assert.equal(p.findings(FILE).filter((f) => f.code === 'HP001').length, 6);
  const r = fixAll(p, FILE, text, undefined, undefined, { deadline: Date.now() - 1 });
  assert.equal(r.stopped, 'deadline');
  assert.equal(r.applied.length, 0);
  assert.deepEqual(r.edits, []);
});

test('fix-all: without a deadline every HP001 is fixed and nothing says it stopped', () => {
  const p = project();
  const r = fixAll(p, FILE, text);
  assert.equal(r.stopped, undefined);
  assert.equal(r.applied.length, 6);
  p.setFile(FILE, r.newText);
  assert.equal(p.findings(FILE).filter((f) => f.code === 'HP001').length, 0);
});

test('forgetFixes drops the cached outcomes of a file: the next request verifies again', () => {
  const p = project();
  const f = p.findings(FILE).find((x) => x.code === 'HP001')!;
  const first = fixesFor(p, FILE, text, f);
  assert.ok(first.fixes.length > 0);
  const cached = fixesFor(p, FILE, text, f);
  assert.equal(fixesFor(p, FILE, text, f), cached, 'cached while the file is open');
  assert.deepEqual(cached.fixes.map((x) => x.newText), first.fixes.map((x) => x.newText));
  forgetFixes(p, FILE);
  const again = fixesFor(p, FILE, text, f);
  assert.notEqual(again, cached, 'recomputed after the file was forgotten');
  assert.ok(again.fixes.every((x) => x.after), 'a recomputed outcome carries the verification\'s findings');
  assert.deepEqual(again.fixes.map((x) => x.newText), first.fixes.map((x) => x.newText));
});
