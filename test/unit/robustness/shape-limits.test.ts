// The stated limits on a text's shape (lsp/limits.ts): exactly at the limit a file is analysed, one past it not.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MAX_BRACKET_DEPTH, MAX_LINE_LENGTH, shapeLimit } from '../../../server/src/lsp/limits';

const REPO = path.resolve(__dirname, '..', '..', '..', '..');
const seed = fs.readFileSync(path.join(REPO, 'test', 'fuzz', 'corpus', 'hvm-cpu-up.c'), 'utf8');

test('kernel-style text is within the limits', () => {
  assert.equal(shapeLimit(seed), undefined);
  assert.equal(shapeLimit(''), undefined);
});

test('line length: the limit itself is allowed, one more is not, on any line (first, middle, last, CRLF)', () => {
  const at = 'x'.repeat(MAX_LINE_LENGTH);
  const over = at + 'x';
  assert.equal(shapeLimit(`${seed}\n${at}\n${seed}`), undefined);
  for (const text of [over + '\n' + seed, `${seed}\n${over}\n${seed}`, `${seed}\n${over}`, over]) {
    assert.match(shapeLimit(text) ?? '', /a line longer than 65536 characters/);
  }
  // A CR without LF does not end a line here: the conservative reading (a longer line).
  assert.match(shapeLimit(`${'x'.repeat(40_000)}\r${'x'.repeat(40_000)}`) ?? '', /line longer/);
});

test('bracket depth: any mix of ( [ { counts; closing lowers it; stray closers do not go below zero', () => {
  const nest = (n: number) => '('.repeat(n) + ')'.repeat(n);
  assert.equal(shapeLimit(nest(MAX_BRACKET_DEPTH)), undefined);
  assert.match(shapeLimit(nest(MAX_BRACKET_DEPTH + 1)) ?? '', /nested more than 1000 deep/);
  assert.match(shapeLimit('{[('.repeat(334)) ?? '', /nested more than/);
  // 2000 brackets in all, never more than 1 open at once.
  assert.equal(shapeLimit('()'.repeat(1000)), undefined);
  // Closers first must not give credit for later openers.
  assert.match(shapeLimit(')'.repeat(500) + '('.repeat(MAX_BRACKET_DEPTH + 1)) ?? '', /nested more than/);
  // Unbalanced (a half-typed file): openers never closed still count once each.
  assert.equal(shapeLimit('{'.repeat(MAX_BRACKET_DEPTH)), undefined);
});
