// Every fixture gives exactly the findings its "expect HPxxx" comments mark: positives and negatives together.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { expectedMarks, marks, projectOf } from './helpers';

const SETS: { title: string; files: string[] }[] = [
  { title: 'HP001 controlling CPU: branches, early returns, goto, switch, loops, CPU identity, macros, comments', files: ['hp001-bp.c'] },
  { title: 'HP001 booting CPU: smp_processor_id() variables and self set-ups', files: ['hp001-ap.c'] },
  { title: 'HP002 status tracking and polarity', files: ['hp002.c'] },
  { title: 'HP003 teardown before offline', files: ['hp003.c'] },
  { title: 'HP004 ONLINE-section hot-plug states', files: ['hp004.c'] },
  { title: 'HP004 through registration wrappers, macros and state parameters, across files', files: ['wrapreg/guest.c', 'wrapreg/users.c'] },
  { title: 'wrappers across files and recursion', files: ['xfile/kick.c', 'xfile/users.c'] },
  { title: 'ops tables from designated initialisers and assignments, across files', files: ['xfile/ops-def.c', 'xfile/ops-use.c'] },
  { title: 'same static names in two files resolve to their own file', files: ['dup/bad.c', 'dup/good.c'] },
  { title: 'ops-table fields resolve to the stores in the nearest directory', files: ['near/arch1/table.c', 'near/arch1/use.c', 'near/arch2/table.c', 'near/arch2/use.c'] },
  { title: 'function-like macros summarise like wrappers', files: ['macros.c'] },
  { title: 'syntax errors earlier in the file', files: ['syntax-errors.c'] },
  { title: '#if/#ifdef branches are all possible paths', files: ['ifdef.c'] },
  { title: 'suppression comments', files: ['suppress.c'] },
];

for (const set of SETS) {
  test(`fixtures: ${set.title}`, () => {
    const p = projectOf(set.files);
    for (const f of set.files) {
      const got = marks(f, p.findings(p.files().find((x) => x.endsWith(f))!));
      assert.deepEqual(got, expectedMarks(f), `findings of ${f}`);
    }
  });
}

test('fixture sets have both positive and negative functions', () => {
  const p = projectOf(SETS.flatMap((s) => s.files));
  for (const set of SETS) {
    let positives = 0;
    let negatives = 0;
    for (const f of set.files) {
      const file = p.files().find((x) => x.endsWith(f))!;
      const flagged = new Set(p.findings(file).map((x) => x.function));
      positives += flagged.size;
      negatives += p.functions(file).filter((x) => !flagged.has(x.name)).length;
    }
    assert.ok(positives > 0, `${set.title}: positives`);
    assert.ok(negatives > 0, `${set.title}: negatives`);
  }
});
