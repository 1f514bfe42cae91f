// The sample tree finds exactly what samples/README.md promises, with and without its rules file.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { Project } from '../../../server/src/core/project';
import { KnowledgeBase } from '../../../server/src/core/kb/kb';
import { loadRulesFile, loadRulesText } from '../../../server/src/core/kb/rules-file';

const SAMPLES = path.resolve(__dirname, '../../../../samples');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) out.push(...sources(p));
    else if (/\.[ch]$/.test(d.name)) out.push(p);
  }
  return out.sort();
}

function scan(kb: KnowledgeBase): string[] {
  const project = new Project(kb);
  const files = sources(SAMPLES);
  for (const f of files) project.setFile(f, fs.readFileSync(f, 'utf8'));
  return files.flatMap((f) => project.findings(f).map((x) =>
    `${path.relative(SAMPLES, f)} ${x.function} ${x.code} ${x.span.startLine + 1}:${x.span.startCol + 1}`)).sort();
}

/** Rows of the "Expected findings" table: file, function, code, line:col. */
function promised(): string[] {
  const md = fs.readFileSync(path.join(SAMPLES, 'README.md'), 'utf8');
  const table = md.split('## Expected findings')[1].split('\n## ')[0];
  const rows: string[] = [];
  for (const line of table.split('\n')) {
    const m = /^\| `([^`]+)` \| `([^`]+)` \| (HP\d{3}) \| (\d+:\d+) \|/.exec(line);
    if (m) rows.push(`${m[1]} ${m[2]} ${m[3]} ${m[4]}`);
  }
  return rows.sort();
}

test('samples/README.md lists exactly the findings of the sample tree', () => {
  const rules = loadRulesFile(path.join(SAMPLES, '.hotplug-race.json'));
  assert.deepEqual(rules.problems, []);
  const expected = promised();
  assert.equal(expected.length, 7, 'the README table was read');
  assert.deepEqual(scan(KnowledgeBase.builtin().extend(rules.entries)), expected);
});

test('the sample rules file changes no finding', () => {
  const rules = loadRulesFile(path.join(SAMPLES, '.hotplug-race.json'));
  assert.deepEqual(scan(KnowledgeBase.builtin()), scan(KnowledgeBase.builtin().extend(rules.entries)));
});

test('the negative samples do become findings when their order is swapped (they are not blind spots)', () => {
  const fixed = fs.readFileSync(path.join(SAMPLES, 'arch/x86/xen/smp_hvm_fixed.c'), 'utf8');
  const swapped = fixed.replace('\trc = xen_smp_intr_init(cpu);\n\tWARN_ON(rc);\n\tif (!rc)\n\t\trc = native_cpu_up(cpu, tidle);',
    '\trc = native_cpu_up(cpu, tidle);\n\tWARN_ON(xen_smp_intr_init(cpu));');
  assert.notEqual(swapped, fixed);
  const irq = fs.readFileSync(path.join(SAMPLES, 'drivers/irqchip/irq-acme-ipi-fixed.c'), 'utf8');
  const late = irq.replace('CPUHP_AP_IRQ_ACME_IPI_STARTING', 'CPUHP_AP_ONLINE_DYN');
  const project = new Project(KnowledgeBase.builtin());
  project.setFile('a.c', swapped);
  project.setFile('b.c', late);
  assert.deepEqual(project.findings('a.c').map((f) => f.code), ['HP001']);
  assert.deepEqual(project.findings('b.c').map((f) => f.code), ['HP004']);
});

test('a rules file can refine a built-in entry: a set-up declared infallible clears HP002 in the sample', () => {
  const file = path.join(SAMPLES, 'arch/x86/xen/smp_pvh.c');
  const text = fs.readFileSync(file, 'utf8');
  const run = (kb: KnowledgeBase) => {
    const p = new Project(kb);
    p.setFile(file, text);
    return p.findings(file).map((f) => f.code);
  };
  assert.deepEqual(run(KnowledgeBase.builtin()), ['HP002']);
  const rules = loadRulesText('rules.json', '{ "rules": [ { "name": "xen_smp_intr_init", "role": "ipi-setup", "cpu": 0, "returnsStatus": false } ] }');
  assert.deepEqual(rules.problems, []);
  assert.deepEqual(run(KnowledgeBase.builtin().extend(rules.entries)), []);
});
