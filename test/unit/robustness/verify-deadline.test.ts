// A deadline on one verification (issue 7): the core's findingsForText either finishes or throws AnalysisDeadline
// (never a partial result), and a fix whose verification runs out of time is "unchecked": neither offered nor
// refused, and not cached. The slow input is kick-ap.c with one broken function defined 170 times (what the
// fuzzer's duplicate-ranges made in run 3120 of seed 2000): every parse costs hundreds of ms of error recovery.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { KnowledgeBase } from '../../../server/src/core/kb/kb';
import { parseText } from '../../../server/src/core/parse';
import { AnalysisDeadline, Project } from '../../../server/src/core/project';
import { fixAll, fixesFor, knownFixes } from '../../../server/src/fix/fixes';
import { brokenDuplicates } from '../../fuzz/slow-input';

const FILE = '/tmp/hpr-verify-deadline/dup.c';

const text = brokenDuplicates(170);
const keys = (fs: readonly { code: string; function: string; span: { start: number } }[]) => fs.map((f) => `${f.code}:${f.function}@${f.span.start}`);

function project(): Project {
  const p = new Project(KnowledgeBase.builtin());
  p.setFile(FILE, text);
  return p;
}

test('findingsForText: a passed deadline throws AnalysisDeadline and leaves the project as it was', () => {
  const p = project();
  const real = keys(p.findings(FILE));
  assert.ok(real.length > 150);
  const variant = text.replace('xen_smp_intr_init(cpu);', 'xen_smp_intr_init(cpu)  ;');
  assert.throws(() => p.findingsForText(FILE, variant, { deadline: Date.now() - 1 }), AnalysisDeadline);
  // One that parses first and runs out later (the parse alone takes longer than 1 ms).
  assert.throws(() => p.findingsForText(FILE, variant, { deadline: Date.now() + 1 }), AnalysisDeadline);
  assert.deepEqual(keys(p.findings(FILE)), real);
  assert.equal(p.parsed(FILE)!.text, text);
});

test('findingsForText: a deadline it meets, or a parse passed in, give the same findings as without', () => {
  const p = project();
  const variant = text.replace('xen_smp_intr_init(cpu);', 'xen_smp_intr_init(cpu)  ;');
  const plain = keys(p.findingsForText(FILE, variant));
  assert.deepEqual(keys(p.findingsForText(FILE, variant, { deadline: Date.now() + 600_000 })), plain);
  assert.deepEqual(keys(p.findingsForText(FILE, variant, { parsed: parseText(variant, p.kb.lexicon.loopMacroPrefixes) })), plain);
  // A parse of another text is not used.
  assert.deepEqual(keys(p.findingsForText(FILE, variant, { parsed: parseText(text, p.kb.lexicon.loopMacroPrefixes) })), plain);
});

test('fixesFor: out of time, every variant is unchecked (no fix, no refusal) and nothing is cached', () => {
  const p = project();
  const f = p.findings(FILE).find((x) => x.code === 'HP001')!;
  const late = fixesFor(p, FILE, text, f, undefined, { deadline: Date.now() - 1 });
  assert.deepEqual(late.fixes, []);
  assert.equal(late.refusal, undefined);
  assert.ok(late.unchecked!.length >= 1);
  assert.equal(knownFixes(p, FILE, text, f), undefined, 'an outcome cut short is not kept');
  // Cut short during the re-analysis: the parse of the current text alone takes longer than 30 ms.
  const cut = fixesFor(p, FILE, text, f, undefined, { deadline: Date.now() + 30 });
  assert.deepEqual(cut.fixes, []);
  assert.match(cut.unchecked![0].reason, /time|no time left/);
  // With time, the same finding gets verified fixes, each removing it.
  const full = fixesFor(p, FILE, text, f);
  assert.ok(full.fixes.length >= 1);
  assert.equal(full.unchecked, undefined);
  assert.deepEqual(knownFixes(p, FILE, text, f)!.fixes.map((x) => x.newText), full.fixes.map((x) => x.newText));
  const n = (fs: readonly { code: string }[]) => fs.filter((x) => x.code === 'HP001').length;
  for (const fix of full.fixes) assert.equal(n(fix.after!), n(p.findings(FILE)) - 1);
});

test('fix-all stopped by its deadline applies only verified fixes', () => {
  const p = project();
  const t0 = Date.now();
  const r = fixAll(p, FILE, text, undefined, undefined, { deadline: Date.now() + 1500 });
  const ms = Date.now() - t0;
  assert.equal(r.stopped, 'deadline');
  // Bounded by the deadline plus the parse of one text (not interruptible), not by 170 rounds.
  assert.ok(ms < 1500 + 5000, `${ms} ms`);
  const q = new Project(KnowledgeBase.builtin());
  q.setFile(FILE, r.newText);
  const hp001 = (fs: readonly { code: string }[]) => fs.filter((x) => x.code === 'HP001').length;
  assert.equal(hp001(q.findings(FILE)), hp001(p.findings(FILE)) - r.applied.length);
});
