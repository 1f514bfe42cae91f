// The native word index (native/word-index.c through cli/word-index.ts) must answer every query with exactly the
// files that hold a token as a whole word, as ripgrep -w and the analysis's \b patterns see them: words across its
// 64-byte blocks, at both ends of a file, beside digits, non-ASCII bytes and NULs; unreadable files in every answer.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { propertyRuns } from '../property-runs';
import { IndexUntilFailure, WordIndex, wordIndexBinary } from '../../../server/src/cli/word-index';
import { inTempDir } from './helpers';

function binary(): string {
  const bin = wordIndexBinary();
  assert.ok(bin, 'out/native/word-index is built by npm run build (scripts/build-native.mjs)');
  return bin;
}

// `.t` asks for t used as a member: after `.` or `->`, blanks and line splices between (`*/` counts as one too)
const wholeWord = (text: string, t: string) =>
  t.startsWith('.') ? new RegExp(`(?:\\.|->|\\*/)[ \\t\\n\\r\\f\\v\\\\]*${t.slice(1)}(?![A-Za-z0-9_])`).test(text) : new RegExp(`(?<![A-Za-z0-9_])${t}(?![A-Za-z0-9_])`).test(text);

test('word index: random texts, every answer equals a whole-word search', async () => {
  const bin = binary();
  await inTempDir('hp-wi-', async (dir) => {
    // short words, digits, separators, a non-ASCII letter and NUL, over lengths that cross 64-byte blocks
    // (blank runs of 63 and 70 bytes carry a member's mark across one or two blocks)
    const piece = fc.constantFrom('ab', 'a', 'b_', '_a', 'ab1', '1ab', 'x', ' ', '\t', '\n', '\\', '(', '.', '->', '-', '>', '*/', '\u00e9', '\u0000', '0x1f', 'ab'.repeat(40), ' '.repeat(63), '\t'.repeat(70));
    const texts = fc.array(fc.array(piece, { maxLength: 120 }).map((p) => p.join('')), { minLength: 1, maxLength: 12 });
    const tokens = fc.array(fc.constantFrom('a', 'ab', 'b_', '_a', 'ab1', 'x', 'y', 'ab'.repeat(40), '.a', '.ab', '.x'), { minLength: 1, maxLength: 4 });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(texts, fc.array(tokens, { minLength: 1, maxLength: 3 }), async (contents, queries) => {
        const files = contents.map((c, i) => {
          const f = path.join(dir, `r${run}-${i}.c`);
          fs.writeFileSync(f, c, 'latin1');
          return f;
        });
        run++;
        const index = new WordIndex(files, bin, 2);
        try {
          for (const q of queries) {
            const want = files.filter((f, i) => q.some((t) => wholeWord(contents[i], t)));
            assert.deepEqual(await index.query(files, q), want, `query ${q.join(' ')}`);
          }
        } finally {
          index.close();
        }
      }),
      propertyRuns(60),
    );
  });
});

test('word index: block edges, file ends, subsets, unreadable files and odd names', async () => {
  const bin = binary();
  await inTempDir('hp-wi-', async (dir) => {
    const w = (name: string, text: string) => {
      const f = path.join(dir, name);
      fs.writeFileSync(f, text);
      return f;
    };
    const at63 = w('at63.c', ' '.repeat(60) + 'kick'); // a word that runs into the next 64-byte block
    const exact = w('exact.c', ' '.repeat(60) + 'halt'); // a file of exactly 64 bytes ending in a word
    const start = w('start.c', 'single = 1;');
    const prefix = w('prefix.c', 'singles halted kick_ 1kick');
    const empty = w('empty.c', '');
    const odd = w('new\nline ü.c', 'int kick;');
    const missing = path.join(dir, 'gone.c');
    const files = [at63, exact, start, prefix, empty, odd, missing];
    const index = new WordIndex(files, bin, 3);
    try {
      assert.deepEqual(await index.query(files, ['kick']), [at63, odd, missing]);
      assert.deepEqual(await index.query(files, ['halt', 'single']), [exact, start, missing]);
      assert.deepEqual(await index.query(files, ['nothing_here']), [missing]);
      assert.deepEqual(await index.query([start, prefix], ['single', 'kick']), [start], 'answers only among the files asked about');
      await assert.rejects(index.query(files, ['a-b']), /not an identifier/);
    } finally {
      index.close();
    }
    // over the size limit: not read, so in every answer (the scan skips it by size, with its warning)
    const limited = new WordIndex(files, bin, 2, 63);
    try {
      assert.deepEqual(await limited.query(files, ['single']), [at63, exact, start, missing], 'the 64-byte files are over 63');
      assert.deepEqual(await limited.query(files, ['nothing_here']), [at63, exact, missing]);
    } finally {
      limited.close();
    }
    // members: the mark as a block's last byte, and blanks from a mark through a whole block to the word
    const markAt63 = w('mark63.c', ' '.repeat(63) + '.kick');
    const arrowAcross = w('arrow.c', 'p ->' + ' \t\\\n'.repeat(40) + 'kick');
    const notMember = w('plain.c', 'x > ' + ' '.repeat(130) + 'kick - kick');
    const members = new WordIndex([markAt63, arrowAcross, notMember], bin, 2);
    try {
      assert.deepEqual(await members.query([markAt63, arrowAcross, notMember], ['.kick']), [markAt63, arrowAcross]);
    } finally {
      members.close();
    }
    const closed = new WordIndex(files, bin);
    closed.close();
    await assert.rejects(closed.query(files, ['kick']), /closed/);
  });
});

test('word index: a helper that dies rejects the query instead of hanging', async () => {
  const index = new WordIndex(['x.c'], '/bin/false');
  await assert.rejects(index.query(['x.c'], ['kick']), /exited|EPIPE/);
  index.close();
});

test('IndexUntilFailure: the first failure is told once and closes the index; later queries answer undefined', async () => {
  const told: string[] = [];
  const idx = new IndexUntilFailure(new WordIndex(['x.c'], '/bin/false'), (err) => told.push(err.message));
  assert.equal(await idx.query(['x.c'], ['kick']), undefined);
  assert.equal(await idx.query(['x.c'], ['kick']), undefined);
  assert.equal(told.length, 1);
  assert.match(told[0], /exited|EPIPE/);
  const strict = new IndexUntilFailure(new WordIndex(['x.c'], '/bin/false'), (err) => {
    throw err;
  });
  await assert.rejects(strict.query(['x.c'], ['kick']), /exited|EPIPE/, 'a caller that cannot fall back (--search index) sees the error');
  assert.equal(await new IndexUntilFailure(undefined, () => assert.fail('no index, no failure')).query(['x.c'], ['kick']), undefined);
});
