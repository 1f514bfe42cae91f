// The fuzzer's own parts: the PRNG and scenarios replay exactly, and each mutator makes what its name says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Rng } from '../../fuzz/prng';
import { DEEP, MUTATORS, mutatorByName } from '../../fuzz/mutators';
import { jsonStringFromBytes, jsonWithRaw } from '../../fuzz/json-bytes';
import { buildScenario } from '../../fuzz/scenario';
import { loadCorpus } from '../../fuzz/fuzz';

const corpus = loadCorpus();
const seed = corpus.find((c) => c.name === 'hvm-cpu-up.c')!.bytes;
const others = corpus.map((c) => c.bytes);

function longestRun(buf: Buffer, byte: number): number {
  let best = 0;
  let cur = 0;
  for (const x of buf) {
    cur = x === byte ? cur + 1 : 0;
    if (cur > best) best = cur;
  }
  return best;
}

function isValidUtf8(buf: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buf);
    return true;
  } catch {
    return false;
  }
}

test('the corpus holds kernel-style C seeds', () => {
  assert.ok(corpus.length >= 5);
  for (const c of corpus) assert.match(c.bytes.toString('utf8'), /SPDX-License-Identifier/);
});

test('Rng: the same seeds give the same stream, others a different one', () => {
  const a = new Rng(1, 2);
  const b = new Rng(1, 2);
  const c = new Rng(1, 3);
  const sa = Array.from({ length: 100 }, () => a.next());
  assert.deepEqual(sa, Array.from({ length: 100 }, () => b.next()));
  assert.notDeepEqual(sa, Array.from({ length: 100 }, () => c.next()));
  // Seed and run are not just added: seed 3000 does not replay seed 2000's runs 1000 later.
  const d = new Rng(2000, 3120);
  const e = new Rng(3000, 2120);
  assert.notDeepEqual(Array.from({ length: 100 }, () => d.next()), Array.from({ length: 100 }, () => e.next()));
  const r = new Rng(9);
  for (let i = 0; i < 10_000; i++) {
    const v = r.int(7);
    assert.ok(Number.isInteger(v) && v >= 0 && v < 7);
  }
});

test('scenarios are a pure function of (seed, run)', () => {
  const digest = (seedN: number, run: number) =>
    createHash('sha256')
      .update(JSON.stringify(buildScenario(seedN, run, corpus, '/tmp/ws'), (_k, v) => (v && v.type === 'Buffer' ? createHash('sha256').update(Buffer.from(v.data)).digest('hex') : v)))
      .digest('hex');
  for (let run = 0; run < 20; run++) assert.equal(digest(1, run), digest(1, run));
  assert.notEqual(digest(1, 0), digest(2, 0));
});

test('deep-parens and deep-braces nest 100,000 deep', () => {
  for (let s = 0; s < 8; s++) {
    const p = mutatorByName('deep-parens').apply(seed, new Rng(s), others);
    assert.ok(longestRun(p, 0x28) >= DEEP || longestRun(p, 0x5b) >= DEEP, 'parens or brackets');
    const q = mutatorByName('deep-braces').apply(seed, new Rng(s), others);
    assert.ok(longestRun(q, 0x7b) >= DEEP);
  }
});

test('long-line makes a single line of at least 1 MB', () => {
  for (let s = 0; s < 6; s++) {
    const out = mutatorByName('long-line').apply(seed, new Rng(s), others);
    const longest = Math.max(...out.toString('latin1').split('\n').map((l) => l.length));
    assert.ok(longest >= 1 << 20, `longest line ${longest}`);
  }
});

test('nul-bytes, invalid-utf8 and lone-surrogates make what they say', () => {
  assert.ok(mutatorByName('nul-bytes').apply(seed, new Rng(1), others).includes(0));
  assert.ok(isValidUtf8(seed));
  for (let s = 0; s < 20; s++) {
    assert.ok(!isValidUtf8(mutatorByName('invalid-utf8').apply(seed, new Rng(s), others)));
    assert.ok(!isValidUtf8(mutatorByName('lone-surrogates').apply(seed, new Rng(s), others)));
  }
});

test('truncate and delete-ranges shrink, duplicate-ranges grows', () => {
  for (let s = 0; s < 20; s++) {
    assert.ok(mutatorByName('truncate').apply(seed, new Rng(s), others).length <= seed.length);
    assert.ok(mutatorByName('delete-ranges').apply(seed, new Rng(s), others).length < seed.length);
    assert.ok(mutatorByName('duplicate-ranges').apply(seed, new Rng(s), others).length > seed.length);
  }
});

test('every mutator is deterministic and keeps documents under the cap', () => {
  for (const m of MUTATORS) {
    const a = m.apply(seed, new Rng(42), others);
    const b = m.apply(seed, new Rng(42), others);
    assert.ok(a.equals(b), m.name);
    assert.ok(a.length <= 11 * 1024 * 1024, m.name);
  }
});

test('jsonStringFromBytes: valid text round-trips through JSON.parse', () => {
  const text = 'int f(void)\n{\t"q" \\ \u0000 \u001f \u007f 😀 中文 }';
  assert.equal(JSON.parse(jsonStringFromBytes(Buffer.from(text), false).toString('utf8')), text);
});

test('jsonStringFromBytes: raw invalid bytes stay raw, surrogates may become escapes', () => {
  const bad = Buffer.from([0x61, 0xff, 0x62]);
  const enc = jsonStringFromBytes(bad, false);
  assert.ok(enc.includes(0xff), 'the invalid byte reaches the wire as is');
  assert.equal(JSON.parse(enc.toString('utf8')), 'a\ufffdb');
  const sur = Buffer.from([0x78, 0xed, 0xa0, 0x80, 0x79]); // x U+D800 y in WTF-8
  assert.equal(JSON.parse(jsonStringFromBytes(sur, true).toString('utf8')), 'x\ud800y');
  const msg = jsonWithRaw({ a: 1, text: '@@T@@', b: [2] }, '@@T@@', jsonStringFromBytes(Buffer.from('hi "there"'), false));
  assert.deepEqual(JSON.parse(msg.toString('utf8')), { a: 1, text: 'hi "there"', b: [2] });
});
