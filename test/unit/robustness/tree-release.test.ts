// tree-sitter trees hold native memory that V8 does not see; the LSP collects after every PARSED_BETWEEN_GC units
// parsed (lsp/memory.ts). Here: the collection happens when due, not before. (Its effect on the server's peak
// RSS is checked in test/lsp/request-bounds.test.ts: in-process bursts are freed by young-generation collections.)
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parsedVolume, parseText } from '../../../server/src/core/parse';
import { collectionCount, collectionDue, PARSED_BETWEEN_GC, releaseTrees, settle } from '../../../server/src/lsp/memory';

const REPO = path.resolve(__dirname, '..', '..', '..', '..');
const seed = fs.readFileSync(path.join(REPO, 'test', 'fuzz', 'corpus', 'hvm-cpu-up.c'), 'utf8');
const text = Array.from({ length: 40 }, (_, k) => seed.replace(/pv_hvm_cpu_up/g, `pv_hvm_cpu_up_${k}`)).join('\n');

test('a collection is scheduled once enough text was parsed, and only then', async () => {
  await settle();
  const c0 = collectionCount();
  releaseTrees();
  await new Promise((r) => setImmediate(r));
  assert.equal(collectionCount(), c0, 'nothing parsed since: no collection');
  const v0 = parsedVolume();
  while (parsedVolume() - v0 < PARSED_BETWEEN_GC) parseText(text);
  assert.ok(collectionDue());
  releaseTrees();
  await new Promise((r) => setImmediate(r));
  assert.equal(collectionCount(), c0 + 1);
  assert.ok(!collectionDue());
});
