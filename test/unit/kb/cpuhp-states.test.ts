// Hot-plug state sections (rule R4): which callbacks run before and which after the CPU is online.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { cpuhpSection, runsWhileOnline } from '../../../server/src/core/kb/cpuhp-states';

test('PREPARE states run on the controlling CPU before the kick', () => {
  for (const s of ['CPUHP_XEN_PREPARE', 'CPUHP_XEN_EVTCHN_PREPARE', 'CPUHP_BP_PREPARE_DYN', 'CPUHP_BRINGUP_CPU', 'CPUHP_BP_KICK_AP',
    'CPUHP_RCUTREE_PREP', 'CPUHP_SLUB_DEAD', 'CPUHP_CREATE_THREADS', 'CPUHP_PERF_X86_AMD_UNCORE_PREP', 'CPUHP_AP_DTPM_CPU_DEAD']) {
    assert.equal(cpuhpSection(s), 'prepare', s);
  }
});

test('STARTING states run on the new CPU before set_cpu_online, including CPUHP_AP_ONLINE itself', () => {
  for (const s of ['CPUHP_AP_IRQ_GIC_STARTING', 'CPUHP_AP_IRQ_RISCV_SBI_IPI_STARTING', 'CPUHP_AP_SMPCFD_DYING', 'CPUHP_AP_OFFLINE',
    'CPUHP_AP_ONLINE', 'CPUHP_AP_MICROCODE_LOADER', 'CPUHP_AP_IRQ_ACME_IPI_STARTING']) {
    assert.equal(cpuhpSection(s), 'starting', s);
    assert.equal(runsWhileOnline(s), false, s);
  }
});

test('ONLINE states, dynamic ones and expressions on them run after the CPU is online', () => {
  for (const s of ['CPUHP_AP_ONLINE_DYN', 'CPUHP_AP_ONLINE_DYN + 1', '(CPUHP_AP_ONLINE_DYN)', 'CPUHP_AP_ONLINE_IDLE', 'CPUHP_TEARDOWN_CPU',
    'CPUHP_AP_WORKQUEUE_ONLINE', 'CPUHP_AP_ACTIVE', 'CPUHP_ONLINE', 'CPUHP_AP_SMPBOOT_THREADS', 'CPUHP_AP_ONLINE_DYN_END']) {
    assert.equal(cpuhpSection(s), 'online', s);
    assert.equal(runsWhileOnline(s), true, s);
  }
});

test('unknown states are not guessed', () => {
  for (const s of ['state', '42', 'MY_STATE', 'CPUHP_AP_SOMETHING_ELSE', '']) assert.equal(cpuhpSection(s), undefined, s);
});
