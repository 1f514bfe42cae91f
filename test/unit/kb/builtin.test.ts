// The built-in knowledge base: the entries the research (kernel-kb.md) asks for, in the right roles, and nothing that
// would make correct kernel code look wrong.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { BUILTIN_ENTRIES, BUILTIN_LEXICON } from '../../../server/src/core/kb/builtin';
import { KnowledgeBase } from '../../../server/src/core/kb/kb';
import { loadRulesSetting } from '../../../server/src/core/kb/rules-file';
import type { KbEntry, Role } from '../../../server/src/core/types';

const ROOT = path.resolve(__dirname, '../../../..');
const kb = KnowledgeBase.builtin();

function roleOf(name: string, object?: string): Role[] {
  const hits = object === undefined ? kb.forFunction(name) : kb.forField(object, name);
  return [...new Set(hits.map((e) => e.role))];
}

test('every built-in entry is valid in the rules-file format (one schema for both)', () => {
  const asRules = BUILTIN_ENTRIES.map((e) => {
    const r: Record<string, unknown> = { name: e.name, kind: e.kind, role: e.role, cpu: e.cpuArg };
    for (const k of ['when', 'returnsStatus', 'guarded', 'vectors', 'callbacks', 'note'] as const) if (e[k] !== undefined) r[k] = e[k];
    return r;
  });
  const { entries, problems } = loadRulesSetting(asRules, 'builtin');
  assert.deepEqual(problems, []);
  assert.equal(entries.length, BUILTIN_ENTRIES.length);
});

test('publishers from kernel-kb §1 are there, with the CPU argument the kernel uses', () => {
  const expect: [string, Role, number | 'self', string?][] = [
    ['native_cpu_up', 'online-sync', 0], ['__cpu_up', 'online-sync', 0], ['cpu_up', 'online-sync', 0], ['_cpu_up', 'online-sync', 0],
    ['add_cpu', 'online-sync', 0], ['bringup_cpu', 'online-sync', 0], ['cpuhp_bringup_ap', 'online-sync', 0],
    ['xen_hvm_cpu_up', 'online-sync', 0], ['xen_cpu_up', 'online-sync', 0], ['xen_pv_cpu_up', 'online-sync', 0],
    ['cpu_up', 'online-sync', 0, 'smp_ops'],
    ['HYPERVISOR_vcpu_op', 'online-kick', 1], ['do_boot_cpu', 'online-kick', 1],
    ['wakeup_secondary_cpu_via_init', 'online-kick', 0], ['wakeup_secondary_cpu_via_nmi', 'online-kick', 0],
    ['wakeup_secondary_cpu', 'online-kick', 0, 'apic'], ['wakeup_secondary_cpu_64', 'online-kick', 0, 'apic'],
    ['boot_secondary', 'online-kick', 0],
    ['cpu_boot', 'online-kick', 0, 'ops'], ['smp_boot_secondary', 'online-kick', 0, 'smp_ops'], ['kick_cpu', 'online-kick', 0, 'smp_ops'],
    ['cpu_start', 'online-kick', 0, 'cpu_ops[cpu]'], ['boot_secondary', 'online-kick', 0, 'mp_ops'], ['loongson_boot_secondary', 'online-kick', 0],
  ];
  for (const [name, role, cpu, obj] of expect) {
    const hits = (obj === undefined ? kb.forFunction(name) : kb.forField(obj, name)).filter((e) => e.role === role);
    assert.equal(hits.length, 1, `${obj ? obj + '.' : ''}${name} as ${role}`);
    assert.equal(hits[0].cpuArg, cpu, name);
    assert.ok(hits[0].note && hits[0].note.length > 10, `${name} has a note`);
  }
  const vcpu = kb.forFunction('HYPERVISOR_vcpu_op')[0];
  assert.deepEqual(vcpu.when, [{ arg: 0, oneOf: ['VCPUOP_up'] }]);
});

test('6.5+ kicks after which the CPU waits to be released publish nothing (kernel-kb R2), the release does', () => {
  for (const name of ['native_kick_ap', 'arch_cpuhp_kick_ap_alive', 'cpuhp_kick_ap_alive', 'xen_pv_kick_ap']) {
    assert.ok(kb.lexicon.gatedKicks?.includes(name), name);
    assert.deepEqual(kb.forFunction(name), [], `${name} has no entry that could publish`);
  }
  assert.deepEqual(kb.forField('smp_ops', 'kick_ap_alive'), []);
  assert.deepEqual(kb.forFunction('cpuhp_bringup_ap').map((e) => e.role), ['online-sync']);
});

test('direct publishers and offline writes are told apart by their condition', () => {
  const set = kb.forFunction('set_cpu_online');
  assert.deepEqual(set.map((e) => [e.role, e.when]), [
    ['online-direct', [{ arg: 1, oneOf: ['true', '1'] }]],
    ['offline', [{ arg: 1, oneOf: ['false', '0'] }]],
  ]);
  for (const n of ['cpumask_set_cpu', '__cpumask_set_cpu', 'cpumask_test_and_set_cpu', 'cpu_set']) {
    const [e] = kb.forFunction(n);
    assert.equal(e.role, 'online-direct', n);
    for (const m of ['cpu_online_mask', '__cpu_online_mask', '&__cpu_online_mask', 'cpu_online_map']) assert.ok(e.when![0].oneOf.includes(m), `${n} ${m}`);
    assert.ok(!e.when![0].oneOf.includes('cpu_callin_mask'), 'the callin handshake mask is not the online mask');
  }
  for (const n of ['cpumask_clear_cpu', '__cpumask_clear_cpu', 'cpumask_test_and_clear_cpu', 'cpu_clear']) assert.deepEqual(roleOf(n), ['offline'], n);
  for (const n of ['__cpu_die', 'native_cpu_die', 'common_cpu_die', 'cpu_wait_death']) assert.deepEqual(roleOf(n), ['offline-wait'], n);
});

test('set-up entries from kernel-kb §2, with status, guard and per-CPU side', () => {
  const expect: [string, number | 'self', boolean, boolean, string?][] = [
    // name, cpu, returnsStatus, guarded, object
    ['xen_smp_intr_init', 0, true, false], ['xen_smp_intr_init_pv', 0, true, false],
    ['bind_ipi_to_irqhandler', 1, true, false], ['bind_virq_to_irqhandler', 1, true, false], ['bind_ipi_to_irq', 1, true, false],
    ['xen_init_lock_cpu', 0, false, true], ['ipi_setup', 0, false, false], ['riscv_ipi_enable', 'self', false, false],
    ['enable_percpu_irq', 'self', false, false], ['enable_percpu_nmi', 'self', false, false], ['setup_vector_irq', 0, false, false],
    ['apic_ap_setup', 'self', false, false], ['loongson_init_secondary', 'self', false, false],
    ['setup_cpu', 'self', false, false, 'smp_ops'], ['init_secondary', 'self', false, false, 'mp_ops'],
  ];
  for (const [name, cpu, status, guarded, obj] of expect) {
    const hits = (obj ? kb.forField(obj, name) : kb.forFunction(name)).filter((e) => e.role === 'ipi-setup');
    assert.equal(hits.length, 1, name);
    assert.equal(hits[0].cpuArg, cpu, name);
    assert.equal(!!hits[0].returnsStatus, status, `${name} returnsStatus`);
    assert.equal(!!hits[0].guarded, guarded, `${name} guarded`);
  }
  assert.deepEqual(kb.forFunction('xen_smp_intr_init')[0].vectors, ['RESCHEDULE', 'CALL_FUNCTION', 'DEBUG', 'CALL_FUNCTION_SINGLE', 'IRQ_WORK']);
});

test('teardown, senders and hot-plug registrations', () => {
  for (const [n, cpu] of [['xen_smp_intr_free', 0], ['xen_smp_intr_free_pv', 0], ['xen_uninit_lock_cpu', 0], ['ipi_teardown', 0],
    ['riscv_ipi_disable', 'self'], ['disable_percpu_irq', 'self'], ['unbind_from_irqhandler', 0]] as const) {
    const [e] = kb.forFunction(n);
    assert.equal(e.role, 'ipi-teardown', n);
    assert.equal(e.cpuArg, cpu, n);
  }
  assert.match(kb.forFunction('unbind_from_irqhandler')[0].note!, /per_cpu/);
  assert.ok(BUILTIN_LEXICON.cpuMappers.some((m) => m.name === 'per_cpu' && m.arg === 1), 'unbind_from_irqhandler(per_cpu(irq, cpu)) maps to cpu');
  for (const [n, cpu] of [['smp_send_reschedule', 0], ['arch_smp_send_reschedule', 0], ['smp_call_function_single', 0], ['irq_work_queue_on', 1], ['add_timer_on', 1], ['resched_cpu', 0]] as const) {
    const [e] = kb.forFunction(n);
    assert.equal(e.role, 'ipi-send', n);
    assert.equal(e.cpuArg, cpu, n);
    assert.ok(e.vectors?.length, n);
  }
  for (const n of ['cpuhp_setup_state', 'cpuhp_setup_state_nocalls', 'cpuhp_setup_state_cpuslocked', 'cpuhp_setup_state_multi']) {
    assert.deepEqual(kb.forFunction(n)[0].callbacks, { state: 0, startup: 2, teardown: 3 }, n);
  }
  assert.deepEqual(kb.forFunction('__cpuhp_setup_state')[0].callbacks, { state: 0, startup: 3, teardown: 4 });
});

test('precision: calls that are correct where the kernel makes them are not given a publish or set-up role', () => {
  // lapic_online() comes right after set_cpu_online() on x86 by design; setup_local_APIC()/lapic_offline() also run on
  // the boot CPU; device_online() takes a struct device; set_cpu_active() and the callin mask are not the online mask.
  for (const n of ['lapic_online', 'lapic_offline', 'setup_local_APIC', 'device_online', 'cpu_device_up', 'set_cpu_active', 'notify_cpu_starting', 'request_percpu_irq', 'xen_setup_timer']) {
    assert.deepEqual(roleOf(n), [], n);
  }
  // No callee is both a publisher and a set-up (that would pair a call with itself).
  const byName = new Map<string, Set<Role>>();
  for (const e of BUILTIN_ENTRIES) byName.set(e.name, (byName.get(e.name) ?? new Set()).add(e.role));
  const publish: Role[] = ['online-sync', 'online-kick', 'online-direct'];
  for (const [n, roles] of byName) {
    const p = publish.some((r) => roles.has(r));
    assert.ok(!(p && (roles.has('ipi-setup') || roles.has('ipi-teardown'))), n);
    assert.ok(!(roles.has('ipi-setup') && roles.has('ipi-teardown')), n);
  }
  // A callee with two entries in one role must be told apart by `when`.
  const seen = new Set<string>();
  for (const e of BUILTIN_ENTRIES) {
    const k = JSON.stringify([e.kind, e.name, e.role, e.when ?? null]);
    assert.ok(!seen.has(k), `duplicate ${k}`);
    seen.add(k);
    if (BUILTIN_ENTRIES.filter((x) => x.name === e.name && x.kind === e.kind).length > 1) assert.ok(e.when, `${e.name} has several entries, so each needs a condition`);
  }
});

test('field entries: obj.field matches that object only, bare fields any object; kinds are consistent', () => {
  for (const e of BUILTIN_ENTRIES) {
    assert.equal(e.source, 'builtin');
    if (e.name.includes('.')) assert.equal(e.kind, 'field', e.name);
    assert.ok(!e.name.includes('->'), `${e.name} is stored with '.'`);
  }
  assert.deepEqual(roleOf('cpu_up', 'smp_ops'), ['online-sync']);
  assert.deepEqual(roleOf('cpu_up', 'xen_smp_ops'), [], 'smp_ops.cpu_up does not match another table');
  assert.deepEqual(roleOf('cpu_up', 'mach->smp_ops'), ['online-sync'], 'a path ending in the object matches');
  assert.deepEqual(roleOf('kick_cpu', 'smp_ops'), ['online-kick']);
  assert.deepEqual(roleOf('cpu_boot', 'ops'), ['online-kick']);
  assert.deepEqual(roleOf('cpu_up'), ['online-sync'], 'the plain function cpu_up');
  // A user entry spelled with '->' lands in the same place.
  const extended = kb.extend([{ name: 'plat->start', kind: 'field', role: 'online-kick', cpuArg: 0, source: 'test' } as KbEntry]);
  assert.deepEqual(extended.forField('plat', 'start').map((e) => e.role), ['online-kick']);
  assert.ok(kb.tokens().has('native_cpu_up') && kb.tokens().has('cpu_boot'));
});

test('lexicon: this-CPU calls, CPU-id mappers and online masks', () => {
  for (const n of ['smp_processor_id', 'raw_smp_processor_id', 'get_cpu']) assert.ok(BUILTIN_LEXICON.selfCpu.includes(n), n);
  const mappers = new Map(BUILTIN_LEXICON.cpuMappers.map((m) => [m.name, m.arg]));
  for (const [n, a] of [['xen_vcpu_nr', 0], ['per_cpu', 1], ['cpu_physical_id', 0], ['get_hard_smp_processor_id', 0], ['cpuid_to_hartid_map', 0]] as const) {
    assert.equal(mappers.get(n), a, n);
  }
  for (const m of ['cpu_online_mask', '__cpu_online_mask', '&__cpu_online_mask', 'cpu_online_map']) assert.ok(BUILTIN_LEXICON.onlineMasks.includes(m), m);
  assert.ok(BUILTIN_LEXICON.apEntryFunctions?.includes('secondary_start_kernel'));
  assert.ok(BUILTIN_LEXICON.apEntryCalls?.includes('notify_cpu_starting'));
});

test('the schema is draft-07 and is the one package.json contributes for .hotplug-race.json', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const jv = pkg.contributes.jsonValidation.find((j: { fileMatch: string }) => j.fileMatch === '.hotplug-race.json');
  assert.ok(jv, 'jsonValidation entry');
  const schema = JSON.parse(fs.readFileSync(path.join(ROOT, jv.url), 'utf8'));
  assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
  assert.deepEqual(schema.definitions.rule.properties.role.enum.length, schema.definitions.rule.properties.role.enumDescriptions.length);
  assert.ok(Object.values(schema.definitions.rule.properties).every((p: any) => typeof p.description === 'string'), 'every property is described');
});

test('a rules-file entry with the same callee, role and condition refines the built-in one instead of adding another', () => {
  const { entries, problems } = loadRulesSetting([
    { name: 'xen_smp_intr_init', role: 'ipi-setup', cpu: 0, returnsStatus: false, note: 'cannot fail on this platform' },
    { name: 'set_cpu_online', role: 'online-direct', cpu: 0, when: [{ arg: 1, oneOf: ['1', 'true'] }], note: 'refined' },
    { name: 'set_cpu_online', role: 'online-direct', cpu: 0, when: [{ arg: 1, oneOf: ['ONLINE'] }] },
  ], 'user');
  assert.deepEqual(problems, []);
  const kb2 = kb.extend(entries);
  const init = kb2.forFunction('xen_smp_intr_init');
  assert.equal(init.length, 1);
  assert.equal(init[0].returnsStatus, false);
  assert.equal(init[0].source, 'user');
  const set = kb2.forFunction('set_cpu_online');
  assert.deepEqual(set.map((e) => [e.role, e.note, e.source]), [
    ['online-direct', 'refined', 'user'], ['offline', kb.forFunction('set_cpu_online')[1].note, 'builtin'], ['online-direct', undefined, 'user'],
  ]);
  assert.equal(kb2.entries.length, kb.entries.length + 1);
  assert.equal(kb.forFunction('xen_smp_intr_init')[0].returnsStatus, true, 'the built-in base is unchanged');
});
