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

/**
 * Opens `rel` of a workspace of `files` (`text` is its content), waits for the index, and returns the first HP001
 * published for it, every diagnostic last published for it, and the index's log line.
 */
async function raceInWorkspace(files: Record<string, string>, rel: string, text: string, what: string, configuration: unknown = {}) {
  const folder = workspace({ ...files, [rel]: text });
  const c = new LspClient();
  clients.push(c);
  await c.initialize([folder], {}, configuration);
  const uri = uriOf(path.join(folder, rel));
  c.open(uri, text, 1);
  await c.until('the index to finish', () => (c.progress.some((p) => (p as { value: { kind: string } }).value.kind === 'end') ? true : undefined), 60_000);
  const lastFor = () => [...c.published].reverse().find((p) => p.uri === uri);
  const found = await c.until(what, () => lastFor()?.diagnostics.find((d) => d.code === 'HP001'), 10_000);
  const log = await c.until('the index summary in the log', () => c.logs.find((l) => /indexed \d+ C files/.test(l.message)), 10_000);
  return { found, all: lastFor()!.diagnostics, log: log.message, messages: c.messages.map((m) => m.message) };
}

test('index: a caller of a function that got its summary in a later round is found', async () => {
  const { found, all } = await raceInWorkspace(FILES, 'arch/board.c', BOARD, 'HP001 through hop_d → hop_a → hop_b → hop_c');
  assert.equal(found.range.start.line, 3);
  assert.match(String(found.message), /hop_d/);
  assert.deepEqual(all.map((d) => [d.code, d.range.start.line]), [['HP001', 3]]);
});

/** 2,100 files that name nothing relevant, with `word` as a plain word only: a big workspace. */
function fillers(word: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < 2100; i++) out[`lib/f${i}.c`] = `static int lib_count_${i};\n/* ${word} is not called here */\nint lib_get_${i}(void)\n{\n\treturn lib_count_${i};\n}\n`;
  return out;
}

test('index of a big workspace: the same race found through the native word index, which reads the tree once', async () => {
  const { found, log } = await raceInWorkspace({ ...fillers('hop_a'), ...FILES }, 'arch/board.c', BOARD, 'HP001 through hop_d → hop_a → hop_b → hop_c');
  assert.equal(found.range.start.line, 3);
  assert.match(log, /indexed 2105 C files .*; 5 can matter .*searched by the word index\)/);
});

// `start` is first a field holding a publishing function (searched where it is used as a member only), then, one
// round later, a function's name: the file that only calls start() is found by searching it again, everywhere.
const MEMBER_FILES = {
  'a/boot.c': 'int acme_boot_one(unsigned int cpu)\n{\n\treturn native_cpu_up(cpu, NULL);\n}\n',
  'w/wrap.c': 'int acme_wrap(unsigned int cpu)\n{\n\treturn acme_boot_one(cpu);\n}\n',
  'b/ops.c': 'static const struct acme_ops ops = {\n\t.start = acme_boot_one,\n};\n',
  'e/start.c': 'int start(unsigned int cpu)\n{\n\treturn acme_wrap(cpu);\n}\n',
  'c/caller.c': 'int acme_caller(unsigned int cpu)\n{\n\treturn start(cpu);\n}\n',
};
const TOP = 'int acme_top(unsigned int cpu)\n{\n\tint rc = acme_caller(cpu);\n\n\tif (!rc)\n\t\trc = xen_smp_intr_init(cpu);\n\treturn rc;\n}\n';

test('index of a big workspace: a field searched as a member, then as a function once it becomes one', async () => {
  const { found, log } = await raceInWorkspace({ ...fillers('start'), ...MEMBER_FILES }, 'h/top.c', TOP, 'HP001 through acme_caller → start → acme_wrap → acme_boot_one');
  assert.equal(found.range.start.line, 2);
  assert.match(log, /indexed 2106 C files .*; 6 can matter .*searched by the word index\)/, 'the 2,100 files naming start as a plain word are not parsed');
});

test('index of a big workspace: files over maxFileSize are told about only when one names something', async () => {
  // regs.h names nothing relevant and comes first; big.c calls hop_a, so it would matter
  const pad = (n: number) => `/* ${'x'.repeat(n)} */\n`;
  const files = { ...fillers('hop_a'), ...FILES, 'a/regs.h': '#define ACME_REG 0x10\n' + pad(3000), 'z/big.c': 'int big_up(unsigned int cpu)\n{\n\treturn hop_a(cpu);\n}\n' + pad(3000) };
  const { found, messages } = await raceInWorkspace(files, 'arch/board.c', BOARD, 'HP001 through hop_d', { maxFileSize: 2048 });
  assert.equal(found.range.start.line, 3);
  const told = messages.filter((m) => m.includes('maxFileSize'));
  assert.equal(told.length, 1, messages.join('\n'));
  assert.match(told[0], /first: .*z[/\\]big\.c\)/);
});
