// Every built-in entry, called the way its entry says, takes part in the check it is for: a kernel-style function is
// generated per entry (publish then set-up, and the reverse) and analysed by the real Project.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { BUILTIN_ENTRIES } from '../../../server/src/core/kb/builtin';
import { KnowledgeBase } from '../../../server/src/core/kb/kb';
import { Project } from '../../../server/src/core/project';
import type { KbEntry } from '../../../server/src/core/types';

const kb = KnowledgeBase.builtin();

/** A call of the entry with `cpu` in its CPU argument and its `when` values in theirs. */
function callOf(e: KbEntry, cpu: string): string {
  const n = Math.max(typeof e.cpuArg === 'number' ? e.cpuArg + 1 : 1, ...(e.when ?? []).map((w) => w.arg + 1), 2);
  const args = Array.from({ length: n }, (_, i) => (i === e.cpuArg ? cpu : 'NULL'));
  // a glob's stars become names: `*ipi*` -> acme_ipi_irq
  for (const w of e.when ?? []) args[w.arg] = w.oneOf[0].replace(/^\*/, 'acme_').replace(/\*$/, '_irq').replace(/\*/g, '_');
  const i = e.name.lastIndexOf('.');
  const callee = e.kind === 'field' ? (i < 0 ? `plat_ops->${e.name}` : `${e.name.slice(0, i)}.${e.name.slice(i + 1)}`) : e.name;
  return `${callee}(${args.join(', ')})`;
}

function codes(body: string): string[] {
  const p = new Project(kb);
  p.setFile('gen.c', body);
  return p.findings('gen.c').map((f) => f.code).sort();
}

function fn(name: string, lines: string[], self = false): string {
  const decl = self ? '\tunsigned int cpu = smp_processor_id();\n\tint rc;\n\n' : '\tint rc = 0;\n\n';
  return `static int ${name}(${self ? 'void' : 'unsigned int cpu, struct task_struct *idle'})\n{\n${decl}${lines.map((l) => `\t${l};\n`).join('')}\treturn rc;\n}\n`;
}

const byRole = (r: KbEntry['role']) => BUILTIN_ENTRIES.filter((e) => e.role === r);

test('each publisher followed by a set-up of the same CPU is HP001; set-up first is clean', () => {
  for (const e of [...byRole('online-sync'), ...byRole('online-kick'), ...byRole('online-direct')]) {
    const pub = callOf(e, 'cpu');
    assert.deepEqual(codes(fn('bring_up', [pub, 'rc = xen_smp_intr_init(cpu)'])), ['HP001'], pub);
    assert.deepEqual(codes(fn('bring_up', ['rc = xen_smp_intr_init(cpu)', 'if (rc)\n\t\treturn rc', pub])), [], pub);
    assert.deepEqual(codes(fn('bring_up', [pub, 'rc = xen_smp_intr_init(0)'])), [], `${pub}: another CPU`);
  }
});

test('each controlling-side set-up after native_cpu_up() is HP001; before it and checked is clean', () => {
  for (const e of byRole('ipi-setup').filter((x) => x.cpuArg !== 'self')) {
    const setup = callOf(e, 'cpu');
    const want = e.guarded ? [] : ['HP001'];
    assert.deepEqual(codes(fn('bring_up', ['rc = native_cpu_up(cpu, idle)', `${setup}`])), want, setup);
    assert.deepEqual(codes(fn('bring_up', [`rc = ${setup}`, 'if (rc < 0)\n\t\treturn rc', 'rc = native_cpu_up(cpu, idle)'])), [], setup);
  }
});

test('each booting-side ("self") set-up after set_cpu_online(this CPU) is HP001; before it is clean', () => {
  for (const e of byRole('ipi-setup').filter((x) => x.cpuArg === 'self')) {
    const setup = callOf(e, 'cpu');
    assert.deepEqual(codes(fn('secondary_start', ['notify_cpu_starting(cpu)', 'set_cpu_online(cpu, true)', setup], true)), ['HP001'], setup);
    assert.deepEqual(codes(fn('secondary_start', ['notify_cpu_starting(cpu)', setup, 'set_cpu_online(cpu, true)'], true)), [], setup);
  }
});

test('a set-up with a status whose result only reaches WARN_ON before the publish is HP002', () => {
  for (const e of byRole('ipi-setup').filter((x) => x.returnsStatus && x.cpuArg !== 'self')) {
    const setup = callOf(e, 'cpu');
    assert.deepEqual(codes(fn('bring_up', [`WARN_ON(${setup})`, 'rc = native_cpu_up(cpu, idle)'])), ['HP002'], setup);
  }
});

test('each (unguarded) teardown before the CPU is offline is HP003; after set_cpu_online(false) or the wait for death it is clean', () => {
  for (const e of byRole('ipi-teardown')) {
    const self = e.cpuArg === 'self';
    const td = callOf(e, e.name === 'unbind_from_irqhandler' ? 'per_cpu(xen_resched_irq, cpu)' : 'cpu');
    assert.deepEqual(codes(fn('take_down', [td, 'set_cpu_online(cpu, false)'], self)), e.guarded ? [] : ['HP003'], td);
    assert.deepEqual(codes(fn('take_down', ['set_cpu_online(cpu, false)', td], self)), [], td);
    if (!self) {
      for (const wait of byRole('offline-wait')) {
        assert.deepEqual(codes(fn('take_down', [callOf(wait, 'cpu'), td])), [], `${wait.name} then ${td}`);
      }
    }
  }
});

test('each hot-plug registration of an IPI-enabling callback in an ONLINE state is HP004, in a STARTING state clean', () => {
  const cb = 'static int acme_ipi_starting(unsigned int cpu)\n{\n\tenable_percpu_irq(acme_ipi_virq, 0);\n\treturn 0;\n}\n\n';
  for (const e of byRole('hotplug-state')) {
    const c = e.callbacks!;
    const call = (state: string) => {
      const args = Array.from({ length: Math.max(c.startup, c.teardown ?? 0) + 1 }, () => 'NULL');
      args[c.state] = state;
      args[c.startup] = 'acme_ipi_starting';
      if (c.state + 1 < c.startup && args[c.state + 1] === 'NULL') args[c.state + 1] = '"acme:ipi"';
      return `${e.name}(${args.join(', ')})`;
    };
    const reg = (state: string) => `${cb}static int __init acme_ipi_init(void)\n{\n\treturn ${call(state)};\n}\n`;
    assert.deepEqual(codes(reg('CPUHP_AP_ONLINE_DYN')), ['HP004'], e.name);
    assert.deepEqual(codes(reg('CPUHP_AP_IRQ_ACME_STARTING')), [], e.name);
    assert.deepEqual(codes(reg('CPUHP_BP_PREPARE_DYN')), [], e.name);
  }
});
