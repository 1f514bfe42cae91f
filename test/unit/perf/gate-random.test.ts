// Random kernel-style trees: the optimised scan (token prefilter, admission gate, compaction) reports exactly what
// the plain scan reports. The trees mix what the gate judges from raw text: knowledge-base calls whose `when`
// conditions may or may not hold, hot-plug state registrations of callbacks with and without summaries, wrappers
// across files and rounds, registration wrappers (a callback, sometimes the state, passed on), and ops tables.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'path';
import { Rng } from '../../fuzz/prng';
import { collectFiles, scan } from '../../../server/src/cli/scan-engine';
import { fastScan } from '../../../server/src/cli/scan-fast';
import { inTempDir, writeLines } from '../cli/helpers';
import { propertyRuns } from '../property-runs';

const DIRS = ['arch/a', 'arch/a/sub', 'arch/b', 'drivers/c', 'kernel'];
const NAMES = ['w_up', 'w_ipi', 'w_boot', 'w_die', 'w_wrap', 'w_free', 'w_start', 'w_online', 'w_dead', 'w_init', 'w_cb'];
const STATES = ['CPUHP_AP_ONLINE_DYN', 'CPUHP_BP_PREPARE_DYN'];
/** Registration wrappers: a callback (and the state, for w_reg_state) passed on to cpuhp_setup_state. */
const REGISTRARS = ['w_reg', 'w_reg_late'];
const STATEMENTS = [
  'native_cpu_up(cpu, NULL);',
  'xen_smp_intr_init(cpu);',
  'xen_smp_intr_free(cpu);',
  'set_cpu_online(cpu, true);',
  'set_cpu_online(cpu, false);',
  'set_cpu_online(cpu, online);',
  'cpumask_set_cpu(cpu, cpu_online_mask);',
  'cpumask_set_cpu(cpu, &w_pending_mask);',
  'cpumask_clear_cpu(cpu, &__cpu_online_mask);',
  'cpumask_clear_cpu(cpu, d->mask);',
  'cpumask_set_cpu(cpu, /* online */ &w_mask);',
  'enable_percpu_irq(w_ipi_irq, 0);',
  'enable_percpu_irq(w_timer_irq, 0);',
  'ops->kick_cpu(cpu);',
  'pr_info("cpu %u\\n", cpu);',
];

function randomFile(rnd: Rng): string[] {
  const out: string[] = [];
  for (let n = rnd.range(1, 3); n > 0; n--) {
    const body: string[] = [];
    for (let k = rnd.int(5); k > 0; k--) {
      const r = rnd.float();
      if (r < 0.25) body.push(`${rnd.pick(NAMES)}(cpu);`);
      else if (r < 0.35) body.push(`cpuhp_setup_state(${rnd.pick(STATES)}, "w:online", ${rnd.pick(NAMES)}, NULL);`);
      else if (r < 0.42) body.push(`${rnd.pick(REGISTRARS)}(${rnd.pick(NAMES)});`);
      else if (r < 0.46) body.push(`w_reg_state(${rnd.pick(STATES)}, ${rnd.pick(NAMES)});`);
      else body.push(rnd.pick(STATEMENTS));
    }
    out.push(`${rnd.chance(0.3) ? 'static int' : 'int'} ${rnd.pick(NAMES)}(unsigned int cpu)`, '{', ...body.map((l) => `\t${l}`), '\treturn 0;', '}', '');
  }
  if (rnd.chance(0.3)) out.push(`struct plat_ops ops_${rnd.int(1000)} = {`, `\t.kick_cpu = ${rnd.pick(NAMES)},`, '};', '');
  if (rnd.chance(0.2)) out.push(...registrar(rnd));
  return out;
}

/** A registration wrapper's definition: in a random file, or in a file of its own (which names nothing else). */
function registrar(rnd: Rng): string[] {
  if (rnd.chance(0.7)) return [`int ${rnd.pick(REGISTRARS)}(int (*cb)(unsigned int))`, '{', `\treturn cpuhp_setup_state(${rnd.pick(STATES)}, "w:reg", cb, NULL);`, '}', ''];
  return ['int w_reg_state(enum cpuhp_state state, int (*startup)(unsigned int))', '{', '\treturn cpuhp_setup_state(state, "w:reg", startup, NULL);', '}', ''];
}

test('random trees: the optimised scan reports what the plain scan reports', async () => {
  let withFindings = 0;
  let throughWrappers = 0;
  const { numRuns, seed } = propertyRuns(40, 20261205);
  await inTempDir('hp-gate-', async (dir) => {
    for (let t = 0; t < numRuns; t++) {
      const rnd = new Rng(seed, t);
      const tree = path.join(dir, `t${t}`);
      for (let i = 0; i < 10; i++) writeLines(tree, `${DIRS[i % DIRS.length]}/f${i}.c`, randomFile(rnd));
      if (rnd.chance(0.6)) writeLines(tree, 'kernel/reg.c', registrar(rnd));
      const plain = await scan([tree], { prefilter: false });
      const fast = await fastScan(collectFiles([tree]), [tree], { search: 'js', workers: 1 });
      const short = (l: typeof plain.findings) => l.map((f) => `${path.relative(tree, f.file)}:${f.span.startLine + 1} ${f.function} ${f.code}`);
      assert.deepEqual(short(fast.findings), short(plain.findings), `tree ${t} of seed ${seed}`);
      assert.equal(JSON.stringify(fast.findings), JSON.stringify(plain.findings), `tree ${t} of seed ${seed}`);
      if (plain.findings.length) withFindings++;
      if (plain.findings.some((f) => f.code === 'HP004' && /^`w_reg/.test(f.message))) throughWrappers++;
    }
  });
  assert.ok(withFindings >= numRuns / 4, `trees with findings: ${withFindings} of ${numRuns}`);
  assert.ok(throughWrappers >= numRuns / 10, `trees with HP004 through a registration wrapper: ${throughWrappers} of ${numRuns}`);
});
