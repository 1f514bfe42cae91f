// The workspace index must not read C files through symlinks that leave the workspace folders (issue 7: the CLI
// refuses them unless --follow-symlinks). A symlink to a file inside the folder is still followed.
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

// The open file's HP001 exists only if the index read boot_it() from the linked file.
const BOOT = 'int boot_it(unsigned int cpu, struct task_struct *idle)\n{\n\treturn native_cpu_up(cpu, idle);\n}\n';
const BOARD = `// SPDX-License-Identifier: GPL-2.0
static int board_cpu_up(unsigned int cpu, struct task_struct *idle)
{
\tint rc = boot_it(cpu, idle);

\tWARN_ON(xen_smp_intr_init(cpu));
\treturn rc;
}
`;

async function codesAfterIndex(target: 'outside' | 'inside'): Promise<string[]> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hpr-symlink-'));
  const folder = path.join(root, 'ws');
  fs.mkdirSync(path.join(folder, 'lib'), { recursive: true });
  // The linked file: outside the folder, or in a directory of it that the index skips (so only the link can bring it in).
  const real = target === 'outside' ? path.join(root, 'elsewhere', 'boot.c') : path.join(folder, 'node_modules', 'boot.c');
  fs.mkdirSync(path.dirname(real), { recursive: true });
  fs.writeFileSync(real, BOOT);
  fs.symlinkSync(real, path.join(folder, 'lib', 'boot.c'));
  fs.writeFileSync(path.join(folder, 'lib', 'board.c'), BOARD);
  const c = new LspClient();
  clients.push(c);
  await c.initialize([folder]);
  const uri = uriOf(path.join(folder, 'lib', 'board.c'));
  c.open(uri, BOARD, 1);
  await c.until('the index to finish', () => (c.progress.some((p) => (p as { value: { kind: string } }).value.kind === 'end') ? true : undefined), 60_000);
  // The republish after the index.
  await new Promise((r) => setTimeout(r, 500));
  await c.diagnosticsFor(uri, 1);
  const last = [...c.published].reverse().find((p) => p.uri === uri)!;
  fs.rmSync(root, { recursive: true, force: true });
  return last.diagnostics.map((d) => String(d.code));
}

test('index: a symlinked .c file whose target is outside the workspace is not read', { timeout: 90_000 }, async () => {
  assert.deepEqual(await codesAfterIndex('outside'), []);
});

test('index: a symlinked .c file whose target is inside the workspace is read', { timeout: 90_000 }, async () => {
  assert.deepEqual(await codesAfterIndex('inside'), ['HP001']);
});
