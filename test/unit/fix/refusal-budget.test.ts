// Diagnostics ask fixRefusal on every edit. When re-analysis is slow (a large workspace), it reports only
// the reasons found without re-analysis; quick fixes themselves are still verified.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixRefusal, fixesFor } from '../../../server/src/fix';
import type { Finding } from '../../../server/src/core/types';
import { load, one } from './helpers';

// Only moving applies here, and moving alone leaves the failure ignored: it fails verification.
const SRC = `static int declared(unsigned int cpu)
{
	int rc = native_cpu_up(cpu, NULL);
	int irq = xen_smp_intr_init(cpu);

	return rc ?: irq;
}
`;

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

test('fast re-analysis: the verification failure is the reason', () => {
  const { p, text, findings } = load('seed-warn.c', SRC);
  assert.match(fixRefusal(p, one(findings, 'HP001'), text) ?? '', /would raise HP002/);
});

test('slow re-analysis: no verification on the diagnostics path, still on the code-action path', () => {
  const { p, file, text, findings } = load('seed-warn.c', SRC);
  const slow = { findingsForText: (f: string, t: string): Finding[] => (sleep(450), p.findingsForText(f, t)), kb: p.kb };
  const f = one(findings, 'HP001');
  assert.deepEqual(fixesFor(slow, file, text, f).fixes, []); // verified, and slow
  assert.equal(fixRefusal(slow, f, text), undefined);
  // A structural refusal is still reported at once.
  const loop = load('refusals.c');
  assert.match(fixRefusal(slow, one(loop.findings, 'HP001', 'up_loop'), loop.text) ?? '', /different blocks/);
});
