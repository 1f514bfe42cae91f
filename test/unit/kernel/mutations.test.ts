// The checks on real kernel code (Debian's linux-source-6.1, unpacked under .cache): each directory below scans
// clean as shipped, and each mutation that brings a hot-plug race back is reported, with its code, function and
// calls. The mutations move or change single lines of the shipped files at test time; no kernel text is kept here.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { scan } from '../../../server/src/cli/scan-engine';
import type { Finding } from '../../../server/src/core/types';
import { ARCH, kernelSkip } from '../kernel-tree';
import { inTempDir } from '../cli/helpers';

/** Function `fn`'s definition in kernel style (a header, then `{` and `}` alone on their lines), up to its `}`. */
function bodyOf(text: string, fn: string): [number, number] {
  const head = new RegExp(`^[^\\n;]*\\b${fn}\\([^;{]*\\)\\s*\\n\\{\\n`, 'm').exec(text);
  assert.ok(head, `the definition of ${fn}()`);
  const end = text.indexOf('\n}\n', head.index);
  assert.ok(end > 0, `the end of ${fn}()`);
  return [head.index, end + 1];
}

/**
 * In function `fn`: the `count` lines from the one matching `line` moved before (or after) the line matching
 * `anchor`, both matched against the trimmed line.
 */
function moveLines(text: string, fn: string, line: RegExp, anchor: RegExp, where: 'before' | 'after', count = 1): string {
  const [from, to] = bodyOf(text, fn);
  const lines = text.slice(from, to).split('\n');
  const at = lines.findIndex((l) => line.test(l.trim()));
  assert.ok(at >= 0, `${line} in ${fn}()`);
  const moved = lines.splice(at, count);
  const a = lines.findIndex((l) => anchor.test(l.trim()));
  assert.ok(a >= 0, `${anchor} in ${fn}()`);
  lines.splice(where === 'before' ? a : a + 1, 0, ...moved);
  return text.slice(0, from) + lines.join('\n') + text.slice(to);
}

/** In function `fn`: the first match of `find` replaced. */
function replaceIn(text: string, fn: string, find: RegExp, by: string): string {
  const [from, to] = bodyOf(text, fn);
  const body = text.slice(from, to);
  assert.ok(find.test(body), `${find} in ${fn}()`);
  return text.slice(0, from) + body.replace(find, by) + text.slice(to);
}

interface Mutation {
  title: string;
  /** The directory under arch/ that is copied and scanned. */
  dir: string;
  /** Files under `dir` and how each is changed. */
  edits: Record<string, (text: string) => string>;
  /** `file:function code` and a message fragment, per finding. */
  expect: [string, RegExp][];
}

const MUTATIONS: Mutation[] = [
  {
    title: 'Xen: the PREPARE state of xen_cpuhp_setup() made an ONLINE one (HP004 at both callers, through the wrapper)',
    dir: 'x86/xen',
    edits: { 'enlighten.c': (t) => replaceIn(t, 'xen_cpuhp_setup', /CPUHP_XEN_PREPARE,/, 'CPUHP_AP_ONLINE_DYN,') },
    expect: [
      ['enlighten_hvm.c:xen_hvm_guest_init HP004', /`xen_cpuhp_setup\(\)` registers `xen_cpu_up_prepare_hvm\(\)`.* in the ONLINE state `CPUHP_AP_ONLINE_DYN` through `cpuhp_setup_state_nocalls\(\)`/],
      ['enlighten_pv.c:xen_start_kernel HP004', /`xen_cpuhp_setup\(\)` registers `xen_cpu_up_prepare_pv\(\)`/],
    ],
  },
  {
    title: 'Xen: the IPIs bound in xen_cpu_up_online(), the ONLINE callback (HP004 at its registration)',
    dir: 'x86/xen',
    edits: { 'enlighten.c': (t) => replaceIn(t, 'xen_cpu_up_online', /xen_init_lock_cpu\(cpu\);/, 'xen_init_lock_cpu(cpu);\n\tif (xen_smp_intr_init(cpu))\n\t\treturn -ENOMEM;') },
    expect: [['enlighten.c:xen_cpuhp_setup HP004', /`cpuhp_setup_state_nocalls\(\)` registers `xen_cpu_up_online\(\)`, which sets up IPI vectors \(via `xen_smp_intr_init\(\)`\), in the ONLINE state `CPUHP_AP_ONLINE_DYN` at line/]],
  },
  {
    title: 'Xen HVM: the IPIs freed before common_cpu_die() says the CPU is dead (HP003)',
    dir: 'x86/xen',
    edits: { 'smp_hvm.c': (t) => moveLines(t, 'xen_hvm_cpu_die', /^xen_smp_intr_free\(cpu\);$/, /common_cpu_die\(cpu\)/, 'before') },
    expect: [['smp_hvm.c:xen_hvm_cpu_die HP003', /torn down by `xen_smp_intr_free\(\)` .* published offline only later, by `common_cpu_die\(\)`/]],
  },
  {
    title: 'Xen PV: the IPIs bound after VCPUOP_up started the vCPU (HP001, the 2013 race on the PV side)',
    dir: 'x86/xen',
    edits: { 'smp_pv.c': (t) => replaceIn(t, 'xen_pv_cpu_up', /\n\treturn 0;\n$/, '\n\txen_smp_intr_init(cpu);\n\treturn 0;\n') },
    expect: [['smp_pv.c:xen_pv_cpu_up HP001', /published online by `HYPERVISOR_vcpu_op\(\)` .* before its IPI vectors are set up by `xen_smp_intr_init\(\)`/]],
  },
  {
    title: 'arm64: ipi_setup() after set_cpu_online() on the booting CPU (HP001)',
    dir: 'arm64/kernel',
    edits: { 'smp.c': (t) => moveLines(t, 'secondary_start_kernel', /^ipi_setup\(cpu\);$/, /^set_cpu_online\(cpu, true\);$/, 'after') },
    expect: [['smp.c:secondary_start_kernel HP001', /published online by `set_cpu_online\(\)` .* before its IPI vectors are set up by `ipi_setup\(\)`/]],
  },
  {
    title: 'arm: ipi_teardown() before set_cpu_online(cpu, false) in __cpu_disable() (HP003)',
    dir: 'arm/kernel',
    edits: { 'smp.c': (t) => moveLines(t, '__cpu_disable', /^ipi_teardown\(cpu\);$/, /^set_cpu_online\(cpu, false\);$/, 'before') },
    expect: [['smp.c:__cpu_disable HP003', /torn down by `ipi_teardown\(\)` .* published offline only later, by `set_cpu_online\(\)`/]],
  },
  {
    title: 'powerpc: smp_ops->setup_cpu() after set_cpu_online() in start_secondary() (HP001, through the ops table)',
    dir: 'powerpc/kernel',
    edits: { 'smp.c': (t) => moveLines(t, 'start_secondary', /^if \(smp_ops->setup_cpu\)$/, /^set_cpu_online\(cpu, true\);$/, 'after', 2) },
    expect: [['smp.c:start_secondary HP001', /published online by `set_cpu_online\(\)` .* before its IPI vectors are set up by `smp_ops->setup_cpu\(\)`/]],
  },
  {
    title: 'loongarch: loongson_init_secondary() after set_cpu_online() in start_secondary() (HP001)',
    dir: 'loongarch/kernel',
    edits: { 'smp.c': (t) => moveLines(t, 'start_secondary', /^loongson_init_secondary\(\);$/, /^set_cpu_online\(cpu, true\);$/, 'after') },
    expect: [['smp.c:start_secondary HP001', /published online by `set_cpu_online\(\)` .* before its IPI vectors are set up by `loongson_init_secondary\(\)`/]],
  },
  {
    title: 'mips: mp_ops->init_secondary() after set_cpu_online() in start_secondary() (HP001, through the ops table)',
    dir: 'mips/kernel',
    edits: { 'smp.c': (t) => moveLines(t, 'start_secondary', /^mp_ops->init_secondary\(\);$/, /^set_cpu_online\(cpu, true\);$/, 'after') },
    expect: [['smp.c:start_secondary HP001', /published online by `set_cpu_online\(\)` .* before its IPI vectors are set up by `mp_ops->init_secondary\(\)`/]],
  },
  {
    title: 'csky: the IPI\'s enable_percpu_irq() after set_cpu_online() in csky_start_secondary() (HP001, booting side)',
    dir: 'csky/kernel',
    edits: { 'smp.c': (t) => moveLines(t, 'csky_start_secondary', /^enable_percpu_irq\(ipi_irq, 0\);$/, /^set_cpu_online\(cpu, true\);$/, 'after') },
    expect: [['smp.c:csky_start_secondary HP001', /published online by `set_cpu_online\(\)` .* before its IPI vectors are set up by `enable_percpu_irq\(\)`/]],
  },
  {
    title: 'x86: smp_callin() (which calls apic_ap_setup()) after set_cpu_online() in start_secondary() (HP001, through a wrapper)',
    dir: 'x86/kernel',
    edits: { 'smpboot.c': (t) => moveLines(t, 'start_secondary', /^smp_callin\(\);$/, /^set_cpu_online\(smp_processor_id\(\), true\);$/, 'after') },
    expect: [['smpboot.c:start_secondary HP001', /published online by `set_cpu_online\(\)` .* before its IPI vectors are set up by `smp_callin\(\)` \(via `apic_ap_setup\(\)`\)/]],
  },
];

function summary(dir: string, findings: Finding[]): string[] {
  return findings.map((f) => `${path.relative(dir, f.file)}:${f.function} ${f.code}`).sort();
}

function inCopy(dir: string, body: (copy: string) => Promise<void>): Promise<void> {
  return inTempDir('hp-kernel-', async (tmp) => {
    const copy = path.join(tmp, dir);
    fs.cpSync(path.join(ARCH!, dir), copy, { recursive: true });
    await body(copy);
  });
}

test('the shipped directories scan clean', { skip: kernelSkip, timeout: 600_000 }, async () => {
  for (const dir of new Set(MUTATIONS.map((m) => m.dir))) {
    const r = await scan([path.join(ARCH!, dir)]);
    assert.deepEqual(summary(path.join(ARCH!, dir), r.findings), [], dir);
  }
});

for (const m of MUTATIONS) {
  test(`kernel mutation: ${m.title}`, { skip: kernelSkip, timeout: 600_000 }, () =>
    inCopy(m.dir, async (copy) => {
      for (const [file, edit] of Object.entries(m.edits)) {
        const p = path.join(copy, file);
        fs.writeFileSync(p, edit(fs.readFileSync(p, 'utf8')));
      }
      for (const prefilter of [true, false]) {
        const r = await scan([copy], { prefilter });
        assert.deepEqual(summary(copy, r.findings), m.expect.map(([k]) => k).sort(), `prefilter ${prefilter}`);
        for (const [k, message] of m.expect) {
          const f = r.findings.find((x) => `${path.relative(copy, x.file)}:${x.function} ${x.code}` === k)!;
          assert.match(f.message, message, k);
        }
      }
    }));
}
