// Property: for random programs (random order of publish / set-up / teardown / offline events, random status
// handling, sides, CPU counts and actor sets), Spin on the Promela export gives the explorer's verdict.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { propertyRuns } from '../property-runs';
import type { Role, WitnessStep } from '../../../server/src/core/types';
import { explore } from '../../../server/src/sim/explore';
import { toPromela } from '../../../server/src/sim/promela';
import { buildScenario, ModelError } from '../../../server/src/sim/program';
import { runSpin, spinAvailable } from '../../../server/src/sim/spin-run';

const SPAN = { start: 0, end: 1, startLine: 0, startCol: 0, endLine: 0, endCol: 1 };
const CALLS: Record<string, { role: Role; vectors?: string[]; status?: boolean }> = {
  native_cpu_up: { role: 'online-sync' },
  HYPERVISOR_vcpu_op: { role: 'online-kick' },
  set_cpu_online: { role: 'online-direct' },
  xen_smp_intr_init: { role: 'ipi-setup', vectors: ['RESCHEDULE', 'CALL_FUNCTION', 'DEBUG', 'CALL_FUNCTION_SINGLE'], status: true },
  ipi_setup: { role: 'ipi-setup' },
  bind_resched: { role: 'ipi-setup', vectors: ['RESCHEDULE'], status: true },
  xen_smp_intr_free: { role: 'ipi-teardown', vectors: ['RESCHEDULE', 'CALL_FUNCTION'] },
  clear_online: { role: 'offline' },
  common_cpu_die: { role: 'offline-wait' },
  smp_send_reschedule: { role: 'ipi-send', vectors: ['RESCHEDULE'] },
};

function stepOf(name: string, outcome: WitnessStep['outcome'], cpu: string): WitnessStep {
  const c = CALLS[name];
  return {
    event: { role: c.role, cpu, cpuText: 'cpu', callee: name, span: SPAN, stmtSpan: SPAN, callSite: 0, via: [name], entry: { name, kind: 'function', role: c.role, cpuArg: 0, vectors: c.vectors, returnsStatus: c.status, source: 'test' } },
    outcome: c.role === 'ipi-setup' ? outcome : undefined,
  };
}

const arbCase = fc.record({
  side: fc.constantFrom<'bp' | 'ap'>('bp', 'ap'),
  code: fc.constantFrom('HP001', 'HP002', 'HP003'),
  calls: fc.array(fc.tuple(fc.constantFrom(...Object.keys(CALLS)), fc.constantFrom<WitnessStep['outcome']>('ok', 'unchecked', 'failed')), { minLength: 1, maxLength: 4 }),
  cpus: fc.integer({ min: 0, max: 2 }),
  actors: fc.record({ rcu: fc.boolean(), watchdog: fc.boolean(), callFunction: fc.boolean() }),
});

test('Spin agrees with the explorer on random programs', { skip: !spinAvailable() && 'spin/gcc not installed', timeout: 600_000 }, () => {
  let compared = 0;
  const verdicts = new Set<string>();
  fc.assert(
    fc.property(arbCase, (c) => {
      const cpu = c.side === 'ap' ? 'self' : 'cpu';
      let sc;
      try {
        sc = buildScenario({ function: 'f', file: 'f.c', side: c.side, cpu, cpuText: 'cpu', code: c.code, witness: c.calls.map(([n, o]) => stepOf(n, o, cpu)) });
      } catch (e) {
        if (e instanceof ModelError) return true; // said plainly; nothing to compare
        throw e;
      }
      const cfg = { cpus: c.cpus, maxStates: 1_000_000, maxMs: 60_000, actors: c.actors };
      const ours = explore(sc, cfg);
      const spin = runSpin(toPromela(sc, cfg));
      compared++;
      verdicts.add(ours.verdict);
      assert.equal(spin.verdict, ours.verdict, `${JSON.stringify(c)}\n${spin.output.slice(0, 400)}`);
      return true;
    }),
    propertyRuns(10),
  );
  assert.ok(compared >= 5, `only ${compared} modelled cases`);
  assert.ok(verdicts.has('race') && verdicts.has('safe'), `both verdicts seen: ${[...verdicts]}`);
});
