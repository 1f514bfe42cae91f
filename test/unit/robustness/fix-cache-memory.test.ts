// The fix engine's cache over a long session (issue 7): a cached fix keeps its edits, not a copy of the fixed
// file nor the findings of its verification. Each fix used to hold both: 0.37 MB per fix in a 190 KB file with
// 150 findings (111 MB for its 300 fixes), and the cache holds up to 64 files.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { KnowledgeBase } from '../../../server/src/core/kb/kb';
import { Project } from '../../../server/src/core/project';
import { applyEdits } from '../../../server/src/fix/edits';
import { fixesFor, forgetFixes, knownFixes } from '../../../server/src/fix/fixes';

const REPO = path.resolve(__dirname, '..', '..', '..', '..');
const seed = fs.readFileSync(path.join(REPO, 'test', 'fuzz', 'corpus', 'hvm-cpu-up.c'), 'utf8');
const FILE = '/tmp/hpr-fix-cache/many.c';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const heapMb = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

test('the fixes cached for a file keep edits only: the cache costs far less than a copy of the file per fix', () => {
  const text = Array.from({ length: 30 }, (_, k) => seed.replace(/pv_hvm_cpu_up/g, `pv_hvm_cpu_up_${k}`).replace(/pv_/g, `p${k}_`)).join('\n');
  const p = new Project(KnowledgeBase.builtin());
  p.setFile(FILE, text);
  const findings = p.findings(FILE).filter((f) => /^HP00[123]$/.test(f.code));
  assert.equal(findings.length, 30);
  // Once, so that what the project builds lazily (graphs, summaries) is not counted below.
  for (const f of findings) fixesFor(p, FILE, text, f);
  forgetFixes(p, FILE);
  const base = heapMb();
  let fixes = 0;
  for (const f of findings) {
    const out = fixesFor(p, FILE, text, f);
    fixes += out.fixes.length;
    // The caller that verified gets the verification's findings; the cache does not keep them.
    assert.ok(out.fixes.every((x) => x.after));
    const kept = knownFixes(p, FILE, text, f)!;
    for (const x of kept.fixes) {
      assert.equal(x.after, undefined);
      assert.equal(Object.getOwnPropertyDescriptor(x, 'newText')?.get !== undefined, true, 'newText is made on demand');
      assert.equal(x.newText, applyEdits(text, x.edits));
    }
  }
  assert.ok(fixes >= 30, `${fixes} fixes`);
  const cached = heapMb() - base;
  // A copy of the text per fix alone would be fixes x 42 KB (2.5 MB here), and its findings several times that.
  const perFix = (cached * 2 ** 20) / fixes;
  assert.ok(perFix < text.length / 4, `${(perFix / 1024).toFixed(1)} KB per cached fix (text ${(text.length / 1024).toFixed(0)} KB)`);
  forgetFixes(p, FILE);
  assert.equal(knownFixes(p, FILE, text, findings[0]), undefined);
});
