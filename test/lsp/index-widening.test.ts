// The background index widens its search over every indexed file each round: a function in a file admitted
// early that only gets a summary once a later file is parsed must still become a search name.
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LspClient, uriOf } from './lsp-client';

const clients: LspClient[] = [];
after(async () => {
  await Promise.all(clients.map((c) => c.shutdown()));
});

function workspace(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hpr-widen-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

// Round 1 admits kick.c (names native_cpu_up) and early.c (names xen_smp_intr_init, so it is parsed while
// hop_a() still has no summary). Round 2 finds mid.c through hop_c; only then does hop_a() publish the CPU.
// Round 3 must search for hop_a to find late.c, which the open file calls.
const FILES = {
  'drv/kick.c': 'int hop_c(unsigned int cpu, struct task_struct *idle)\n{\n\treturn native_cpu_up(cpu, idle);\n}\n',
  'drv/early.c':
    'void early_irqs(unsigned int cpu)\n{\n\tWARN_ON(xen_smp_intr_init(cpu));\n}\n\n' +
    'int hop_a(unsigned int cpu)\n{\n\treturn hop_b(cpu);\n}\n',
  'drv/mid.c': 'int hop_b(unsigned int cpu)\n{\n\treturn hop_c(cpu, NULL);\n}\n',
  'drv/late.c': 'int hop_d(unsigned int cpu)\n{\n\treturn hop_a(cpu);\n}\n',
};
const BOARD = `// SPDX-License-Identifier: GPL-2.0
int board_cpu_up(unsigned int cpu)
{
\tint rc = hop_d(cpu);

\tif (!rc)
\t\trc = xen_smp_intr_init(cpu);
\treturn rc;
}
`;

test('index: a caller of a function that got its summary in a later round is found', async () => {
  const folder = workspace({ ...FILES, 'arch/board.c': BOARD });
  const c = new LspClient();
  clients.push(c);
  await c.initialize([folder]);
  const uri = uriOf(path.join(folder, 'arch/board.c'));
  c.open(uri, BOARD, 1);
  await c.until('the index to finish', () => (c.progress.some((p) => (p as { value: { kind: string } }).value.kind === 'end') ? true : undefined), 60_000);
  const found = await c.until('HP001 through hop_d → hop_a → hop_b → hop_c', () => {
    const last = [...c.published].reverse().find((p) => p.uri === uri);
    return last?.diagnostics.find((d) => d.code === 'HP001');
  }, 10_000);
  assert.equal(found.range.start.line, 3);
  assert.match(String(found.message), /hop_d/);
  const last = [...c.published].reverse().find((p) => p.uri === uri)!;
  assert.deepEqual(last.diagnostics.map((d) => [d.code, d.range.start.line]), [['HP001', 3]]);
});

test('index of a big workspace: the same race found through the native word index, which reads the tree once', async () => {
  const fillers: Record<string, string> = {};
  // 2,100 files that name nothing relevant, some of them a search name as a plain word only
  for (let i = 0; i < 2100; i++) fillers[`lib/f${i}.c`] = `static int lib_count_${i};\n/* hop_a is not called here */\nint lib_get_${i}(void)\n{\n\treturn lib_count_${i};\n}\n`;
  const folder = workspace({ ...fillers, ...FILES, 'arch/board.c': BOARD });
  const c = new LspClient();
  clients.push(c);
  await c.initialize([folder]);
  const uri = uriOf(path.join(folder, 'arch/board.c'));
  c.open(uri, BOARD, 1);
  await c.until('the index to finish', () => (c.progress.some((p) => (p as { value: { kind: string } }).value.kind === 'end') ? true : undefined), 60_000);
  const found = await c.until('HP001 through hop_d → hop_a → hop_b → hop_c', () => {
    const last = [...c.published].reverse().find((p) => p.uri === uri);
    return last?.diagnostics.find((d) => d.code === 'HP001');
  }, 10_000);
  assert.equal(found.range.start.line, 3);
  const done = await c.until('the index summary in the log', () => c.logs.find((l) => /indexed \d+ C files/.test(l.message)), 10_000);
  assert.match(done.message, /indexed 2105 C files .*; 5 can matter .*searched by the word index\)/);
});
