// The CI fuzz budget: a fixed seed for a few seconds against the real server over stdio. Any crash, hang (no answer
// within the bound), memory overrun, malformed diagnostic or handler error fails the test with a replay line.
// The bound here is 30 s, not the fuzzer's 5 s: CI machines are shared, and pathological inputs legitimately take
// seconds (docs/guarantees.md); the long runs report the 5 s figures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatReport, fuzz, parseArgs } from '../fuzz/fuzz';

const SECONDS = Number(process.env.HOTPLUG_FUZZ_SECONDS) || 12;

test(`fuzz the language server for ${SECONDS} s with seed 1`, { timeout: (SECONDS + 150) * 1000 }, async () => {
  const lines: string[] = [];
  const opts = { ...parseArgs(['--seconds', String(SECONDS), '--seed', '1', '--timeout-ms', '30000']), log: (l: string) => lines.push(l) };
  const report = await fuzz(opts);
  const text = formatReport(report, opts).join('\n');
  assert.ok(report.runs >= 5, `only ${report.runs} runs in ${SECONDS} s:\n${text}`);
  assert.equal(report.failed, 0, text);
});
