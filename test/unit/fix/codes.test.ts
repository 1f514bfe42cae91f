// HP002 (check the result, skip the publish), HP003 (teardown after offline), void set-ups (move only).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixesFor } from '../../../server/src/fix';
import { load, one } from './helpers';

test('HP002: keep the result and publish only on success', () => {
  const { p, file, text, findings } = load('hp002.c');
  const out = fixesFor(p, file, text, one(findings, 'HP002'));
  assert.equal(out.fixes[0].variant, 'guard');
  assert.equal(out.fixes[0].newText, text.replace(
    '\tWARN_ON(xen_smp_intr_init(cpu));\n\trc = native_cpu_up(cpu, tidle);\n',
    '\trc = xen_smp_intr_init(cpu);\n\tWARN_ON(rc);\n\tif (!rc)\n\t\trc = native_cpu_up(cpu, tidle);\n',
  ));
  const bail = out.fixes.find((x) => x.variant === 'bail-out');
  assert.ok(bail);
  assert.equal(bail.newText, text.replace(
    '\tWARN_ON(xen_smp_intr_init(cpu));\n',
    '\trc = xen_smp_intr_init(cpu);\n\tWARN_ON(rc);\n\tif (rc)\n\t\treturn rc;\n',
  ));
});

test('HP003: the teardown moves after the offline publish, comments stay', () => {
  const { p, file, text, findings } = load('hp003.c');
  const out = fixesFor(p, file, text, one(findings, 'HP003'));
  assert.equal(out.fixes.length, 1);
  assert.equal(out.fixes[0].newText, text.replace(
    '\txen_smp_intr_free(cpu);\n\t/* from here on nobody may pick this CPU */\n\tset_cpu_online(cpu, false);\n',
    '\t/* from here on nobody may pick this CPU */\n\tset_cpu_online(cpu, false);\n\txen_smp_intr_free(cpu);\n',
  ));
});

test('void set-up on the booting side: move only, verbatim', () => {
  const { p, file, text, findings } = load('void-setup.c');
  const out = fixesFor(p, file, text, one(findings, 'HP001'));
  assert.deepEqual(out.fixes.map((x) => x.variant), ['move']);
  assert.equal(out.fixes[0].preferred, true);
  assert.equal(out.fixes[0].newText, text.replace(
    '\tset_cpu_online(cpu, true);\n\t/* let the other CPUs send us IPIs */\n\tipi_enable_self(cpu);\n',
    '\tipi_enable_self(cpu);\n\tset_cpu_online(cpu, true);\n\t/* let the other CPUs send us IPIs */\n',
  ));
});

test('HP001 with the result checked and stored after the set-up: the run of statements moves as one', () => {
  const { p, file, text, findings } = load('group-move.c');
  const out = fixesFor(p, file, text, one(findings, 'HP001'));
  assert.deepEqual(out.fixes.map((x) => x.variant), ['move'], out.refusal);
  const setup = '\tret = bind_ipi_to_irqhandler(ZETA_RESCHEDULE_VECTOR, cpu, zeta_resched_interrupt,\n\t\t\t\t     IRQF_PERCPU, "zeta-resched", NULL);\n\tif (ret < 0)\n\t\treturn ret;\n\tper_cpu(zeta_resched_irq, cpu) = ret;\n';
  const publish = '\tret = native_cpu_up(cpu, idle);\n\tif (ret)\n\t\treturn ret;\n';
  assert.equal(out.fixes[0].newText, text.replace(`${publish}\n${setup}`, `${setup}${publish}\n`));
});

test('HP002 where the publish is the return value: no guard (it would fall through), bail-out with a new status', () => {
  const { p, file, text, findings } = load('return-publish.c');
  const out = fixesFor(p, file, text, one(findings, 'HP002'));
  assert.deepEqual(out.fixes.map((x) => x.variant), ['bail-out']);
  assert.equal(out.fixes[0].newText, text.replace(
    '{\n\tWARN_ON(xen_smp_intr_init(cpu));\n',
    '{\n\tint rc;\n\n\trc = xen_smp_intr_init(cpu);\n\tWARN_ON(rc);\n\tif (rc)\n\t\treturn rc;\n',
  ));
});

test('HP002 with the result in its own declared variable: no guard (it would leave rc unset), check before the publish', () => {
  const { p, file, text, findings } = load('hp002-declare.c');
  const out = fixesFor(p, file, text, one(findings, 'HP002'));
  assert.deepEqual(out.fixes.map((x) => x.variant), ['bail-out'], out.refusal);
  assert.equal(out.fixes[0].newText, text.replace('\tWARN_ON(err);\n', '\tWARN_ON(err);\n\tif (err)\n\t\treturn err;\n'));
});

test('HP001 with a status shared by publish and set-up: guard keeps the check in between', () => {
  const { p, file, text, findings } = load('shared-status.c');
  const out = fixesFor(p, file, text, one(findings, 'HP001', 'up_shared_status'));
  assert.equal(out.fixes[0].variant, 'guard');
  assert.equal(out.fixes[0].newText, text.replace(
    '\trc = native_cpu_up(cpu, tidle);\n\tif (rc)\n\t\treturn rc;\n\trc = xen_smp_intr_init(cpu);\n',
    '\trc = xen_smp_intr_init(cpu);\n\tif (!rc)\n\t\trc = native_cpu_up(cpu, tidle);\n\tif (rc)\n\t\treturn rc;\n',
  ));
  const irq = fixesFor(p, file, text, one(findings, 'HP001', 'up_shared_irq'));
  assert.deepEqual(irq.fixes, []);
  assert.match(irq.refusal ?? '', /would change `ret`/);
});

test('HP001 where the set-up\'s status is returned: set up first, bail out, return 0 where it was returned', () => {
  const { p, file, text, findings } = load('return-setup.c');
  const out = fixesFor(p, file, text, one(findings, 'HP001'));
  assert.deepEqual(out.fixes.map((x) => x.variant), ['bail-out'], out.refusal);
  assert.equal(out.fixes[0].newText, text.replace(
    '\terr = native_cpu_up(cpu, idle);\n\tif (err)\n\t\treturn err;\n\n\treturn xen_smp_intr_init(cpu);\n',
    '\terr = xen_smp_intr_init(cpu);\n\tif (err)\n\t\treturn err;\n\terr = native_cpu_up(cpu, idle);\n\tif (err)\n\t\treturn err;\n\n\treturn 0;\n',
  ));
});

test('set-ups behind wrappers: a wrapper returning the status gets the guard, a void one is only moved', () => {
  const { p, file, text, findings } = load('wrapper.c');
  const withStatus = fixesFor(p, file, text, one(findings, 'HP001', 'board_cpu_up'));
  assert.equal(withStatus.fixes[0].variant, 'guard');
  assert.equal(withStatus.fixes[0].newText, text.replace(
    '\trc = native_cpu_up(cpu, tidle);\n\tWARN_ON(board_setup_ipis(cpu));\n',
    '\trc = board_setup_ipis(cpu);\n\tWARN_ON(rc);\n\tif (!rc)\n\t\trc = native_cpu_up(cpu, tidle);\n',
  ));
  // Moving alone would leave a failed set-up published (the simulator still finds the race): refused.
  const quiet = fixesFor(p, file, text, one(findings, 'HP001', 'board_cpu_up_quiet'));
  assert.deepEqual(quiet.fixes, []);
  assert.match(quiet.refusal ?? '', /`board_setup_ipis_quietly\(\)` drops the status of `xen_smp_intr_init\(\)`/);
});

test('a publish inside a declaration: nothing is put before the declarations', () => {
  const src = 'static int boot_one(unsigned int cpu)\n{\n\treturn native_cpu_up(cpu, NULL);\n}\n\nint up_decl(unsigned int cpu)\n{\n\tint rc = boot_one(cpu);\n\n\tif (rc)\n\t\treturn rc;\n\treturn xen_smp_intr_init(cpu);\n}\n';
  const { p, file, text, findings } = load('wrapper.c', src);
  const out = fixesFor(p, file, text, one(findings, 'HP001', 'up_decl'));
  assert.deepEqual(out.fixes, []);
  assert.match(out.refusal ?? '', /called in a declaration/);
});

test('HP002 on a (void)-cast set-up: the cast goes, the result is kept and checked', () => {
  const src = load('hp002.c').text.replace('\tWARN_ON(xen_smp_intr_init(cpu));', '\t(void)xen_smp_intr_init(cpu);');
  const { p, file, text, findings } = load('hp002.c', src);
  const out = fixesFor(p, file, text, one(findings, 'HP002'));
  assert.equal(out.fixes[0].newText, text.replace(
    '\t(void)xen_smp_intr_init(cpu);\n\trc = native_cpu_up(cpu, tidle);\n',
    '\trc = xen_smp_intr_init(cpu);\n\tif (!rc)\n\t\trc = native_cpu_up(cpu, tidle);\n',
  ));
});
