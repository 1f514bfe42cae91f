// Parsing: loop-macro and annotation rewrites keep offsets; incremental reparses equal fresh ones under random edits.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseText, rewriteLoopMacros, blankAnnotations, looksBinary, TreeEdit } from '../../../server/src/core/parse';
import { Project } from '../../../server/src/core/project';
import { KnowledgeBase } from '../../../server/src/core/kb/kb';
import { read } from './helpers';

test('loop macros in statement position become while loops of the same length; others stay', () => {
  const src = 'void f(void)\n{\n\tfor_each_online_cpu(cpu) {\n\t\tg(cpu);\n\t}\n\tx = for_each_thing(y);\n}\n#define for_each_foo(x) bar(x)\n';
  const { text, loops } = rewriteLoopMacros(src, ['for_each_']);
  assert.equal(text.length, src.length);
  assert.match(text, /\twhile\( {14}cpu\) \{/);
  assert.match(text, /x = for_each_thing\(y\);/);
  assert.match(text, /#define for_each_foo\(x\)/);
  assert.deepEqual([...loops.values()].map((l) => [l.macro, l.variable]), [['for_each_online_cpu', 'cpu']]);
  const p = parseText(src);
  assert.equal(p.tree.rootNode.hasError, false);
  assert.equal(p.text, src);
});

test('kernel annotations are blanked so definitions parse with their real names', () => {
  const src = 'static int __init __cold foo(void) __acquires(lock)\n{\n\treturn 0;\n}\n';
  const b = blankAnnotations(src);
  assert.equal(b.length, src.length);
  assert.equal(b.split('\n').length, src.split('\n').length);
  const p = parseText(src);
  assert.equal(p.tree.rootNode.namedChildren[0].type, 'function_definition');
  assert.equal(p.tree.rootNode.hasError, false);
});

test('binary text is recognised and not parsed', () => {
  assert.equal(looksBinary('int x;\n'), false);
  assert.equal(looksBinary('abc\0def'), true);
  const p = parseText('\x01\x02\x03\x04'.repeat(100));
  assert.equal(p.truncated, true);
});

function pos(t: string, i: number) {
  const row = t.slice(0, i).split('\n').length - 1;
  return { row, column: i - (t.lastIndexOf('\n', i - 1) + 1) };
}

test('incremental reparses after random edits give the same findings (and clean trees) as fresh parses', () => {
  const snippets = ['for_each_present_cpu(cpu) {', '}', '{', ' __init ', '/*', '*/', '// c\n', '\n', ';', 'native_cpu_up(cpu, NULL);', 'xen_smp_intr_init(cpu);', 'if (rc)', 'é', '#ifdef X\n', '#endif\n'];
  let seed = 12345;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  let text = read('hp001-bp.c').slice(0, 4000);
  const inc = new Project(KnowledgeBase.builtin());
  inc.setFile('e.c', text);
  for (let step = 0; step < 120; step++) {
    const start = rnd(text.length + 1);
    const del = rnd(4) === 0 ? rnd(30) : 0;
    const ins = rnd(3) === 0 ? '' : snippets[rnd(snippets.length)];
    const oldEnd = Math.min(text.length, start + del);
    const next = text.slice(0, start) + ins + text.slice(oldEnd);
    const edit: TreeEdit = { startIndex: start, oldEndIndex: oldEnd, newEndIndex: start + ins.length, startPosition: pos(text, start), oldEndPosition: pos(text, oldEnd), newEndPosition: pos(next, start + ins.length) };
    text = next;
    inc.setFile('e.c', text, [edit]);
    const fresh = new Project(KnowledgeBase.builtin());
    fresh.setFile('e.c', text);
    // Error recovery may legitimately shape broken regions differently; clean trees must be identical.
    if (!fresh.tree('e.c')!.rootNode.hasError) assert.equal(inc.tree('e.c')!.rootNode.toString(), fresh.tree('e.c')!.rootNode.toString(), `tree after step ${step}`);
    const sig = (p: Project) => p.findings('e.c').map((f) => `${f.code}@${f.span.start}:${f.message}`);
    assert.deepEqual(sig(inc), sig(fresh), `findings after step ${step}`);
  }
});
