// The .hptrace grammar classifies every line of a real trace (its regexes are also valid JS regexes).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { simulateInput } from '../../../server/src/sim/simulate';
import { traceText } from '../../../server/src/sim/trace-text';
import { input, read, step } from './witness';

const grammar = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../../syntaxes/hptrace.tmLanguage.json'), 'utf8'));

function ruleOf(line: string): string | undefined {
  for (const p of grammar.patterns as { include: string }[]) {
    const name = p.include.slice(1);
    const r = grammar.repository[name];
    if (new RegExp(r.match ?? r.begin).test(line)) return name;
  }
  return undefined;
}

test('grammar: package.json contributes it; every trace line gets its rule', () => {
  const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../../package.json'), 'utf8'));
  assert.ok(pkg.contributes.grammars.some((g: { path: string; scopeName: string }) => g.path === './syntaxes/hptrace.tmLanguage.json' && g.scopeName === grammar.scopeName));
  const pre = read('seed-prefix.c');
  const r = simulateInput(input(pre.file, 'xen_hvm_cpu_up', [step(pre.text, 'xen_hvm_cpu_up(', 'native_cpu_up(cpu, tidle)'), step(pre.text, 'xen_hvm_cpu_up(', 'xen_smp_intr_init(cpu)', { outcome: 'unchecked' })]), { cpus: 2 });
  const lines = traceText(r).split('\n').filter(Boolean);
  const rules = lines.map(ruleOf);
  assert.equal(rules[0], 'comment');
  assert.equal(rules[lines.findIndex((l) => l.startsWith('verdict:'))], 'verdict');
  assert.equal(rules[lines.findIndex((l) => l.startsWith('bug:'))], 'bugHeader');
  assert.equal(rules[lines.findIndex((l) => l.startsWith('function:'))], 'header');
  const rows = lines.filter((l) => /^[ !]\s*\d+ \|/.test(l));
  assert.equal(rows.length, r.trace.length);
  assert.deepEqual(rows.map(ruleOf), [...Array(rows.length - 1).fill('step'), 'bugStep']);
  assert.ok(rules.every((x) => x), `unclassified: ${lines.filter((_, i) => !rules[i]).join(' / ')}`);
  // the verdict captures: race is group 3, safe group 4
  const v = new RegExp(grammar.repository.verdict.match);
  assert.equal(v.exec('verdict: race')![3], 'race');
  assert.equal(v.exec('verdict: safe (fixed)')![4], 'safe');
  // inner step patterns: lane, location, bound/unbound vectors
  const inner = grammar.repository.step.patterns.map((p: { match: string }) => new RegExp(p.match));
  const row = rows[1];
  for (const i of [0, 3, 6]) assert.ok(inner[i].test(row), `${grammar.repository.step.patterns[i].name} on ${row}`);
});
