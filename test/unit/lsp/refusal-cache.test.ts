// The diagnostics' refusal cache: reasons survive a move of their function and edits elsewhere, not an edit
// of the function itself, a change of the file's findings, or a new project. Findings from the real analysis.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { KnowledgeBase } from '../../../server/src/core/kb/kb';
import { Project } from '../../../server/src/core/project';
import { RefusalCache } from '../../../server/src/lsp/diagnostics';

const FN = (name: string) => `static int ${name}(unsigned int cpu, struct task_struct *tidle)
{
\tint rc;

\trc = native_cpu_up(cpu, tidle);
\tWARN_ON(xen_smp_intr_init(cpu));
\treturn rc;
}
`;
const TEXT = `${FN('up_a')}\n${FN('up_b')}`;

function keysOf(cache: RefusalCache, project: Project, text: string): string[] {
  project.setFile('/k/smp.c', text);
  return cache.keys(project, 'file:///k/smp.c', project.findings('/k/smp.c'), text);
}

test('refusal keys follow the function text, not its place', () => {
  const project = new Project(KnowledgeBase.builtin());
  const cache = new RefusalCache();
  const k1 = keysOf(cache, project, TEXT);
  assert.equal(k1.length, 2);
  cache.set('file:///k/smp.c', k1[0], 'reason a');
  cache.set('file:///k/smp.c', k1[1], undefined);
  // Lines added above both functions: same keys, reasons kept (undefined = "a fix exists" is known too).
  const k2 = keysOf(cache, project, `/* moved */\n\n${TEXT}`);
  assert.deepEqual(k2, k1);
  assert.equal(cache.get('file:///k/smp.c', k2[0]), 'reason a');
  assert.ok(cache.has('file:///k/smp.c', k2[1]));
  // An edit inside up_b: its key changes, up_a's does not.
  const k3 = keysOf(cache, project, TEXT.replace('up_b(unsigned int cpu, struct task_struct *tidle)\n{\n\tint rc;', 'up_b(unsigned int cpu, struct task_struct *tidle)\n{\n\tint rc; /* x */'));
  assert.equal(k3[0], k1[0]);
  assert.notEqual(k3[1], k1[1]);
  assert.ok(!cache.has('file:///k/smp.c', k3[1]));
  assert.equal(cache.get('file:///k/smp.c', k3[0]), 'reason a');
});

test('refusals are dropped when the findings of the file or the project change', () => {
  const project = new Project(KnowledgeBase.builtin());
  const cache = new RefusalCache();
  const k1 = keysOf(cache, project, TEXT);
  cache.set('file:///k/smp.c', k1[0], 'reason a');
  // up_b reordered: its HP001 becomes an HP002 (result ignored), so up_a's verification compares against another list.
  const fixed = TEXT.replace(/(static int up_b[^]*?)\trc = native_cpu_up\(cpu, tidle\);\n\tWARN_ON\(xen_smp_intr_init\(cpu\)\);/, '$1\tWARN_ON(xen_smp_intr_init(cpu));\n\trc = native_cpu_up(cpu, tidle);');
  const k2 = keysOf(cache, project, fixed);
  assert.deepEqual(project.findings('/k/smp.c').map((f) => [f.code, f.function]), [['HP001', 'up_a'], ['HP002', 'up_b']]);
  assert.equal(k2[0], k1[0]);
  assert.ok(!cache.has('file:///k/smp.c', k2[0]));
  cache.set('file:///k/smp.c', k2[0], 'reason b');
  const other = new Project(KnowledgeBase.builtin());
  const k3 = keysOf(cache, other, fixed);
  assert.ok(!cache.has('file:///k/smp.c', k3[0]));
});
