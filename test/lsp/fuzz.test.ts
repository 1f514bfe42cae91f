// The CI fuzz budget: a fixed seed for a few seconds against the real server over stdio. Any crash, hang (no answer
// within the bound), memory overrun, malformed diagnostic or handler error fails the test with a replay line.
// A request late in wall time fails only if the server also used more than the bound in CPU time meanwhile, so a
// busy CI machine does not fail it; a server that does not answer again within 2 minutes is hung.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatReport, fuzz, parseArgs } from '../fuzz/fuzz';

const SECONDS = Number(process.env.HOTPLUG_FUZZ_SECONDS) || 12;

test(`fuzz the language server for ${SECONDS} s with seed 1`, { timeout: (SECONDS + 300) * 1000 }, async () => {
  const lines: string[] = [];
  const opts = { ...parseArgs(['--seconds', String(SECONDS), '--seed', '1']), log: (l: string) => lines.push(l) };
  const report = await fuzz(opts);
  const text = formatReport(report, opts).join('\n');
  assert.ok(report.runs >= 5, `only ${report.runs} runs in ${SECONDS} s:\n${text}`);
  assert.equal(report.failed, 0, text);
});
