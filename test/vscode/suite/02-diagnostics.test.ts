import * as assert from 'assert';
import * as vscode from 'vscode';
import { activated, diagnosticsFor, fixtureUri, hpDiagnostics, openFixture } from './helpers';

function codeOf(d: vscode.Diagnostic): string | number | undefined {
  return typeof d.code === 'object' ? d.code.value : d.code;
}

function rangeOf(d: vscode.Diagnostic | vscode.Location | { range: vscode.Range }): number[] {
  const r = d.range;
  return [r.start.line, r.start.character, r.end.line, r.end.character];
}

describe('diagnostics', () => {
  before(async () => {
    await activated();
  });

  it('reports the seed bug (publish before IPI set-up) as HP001 on the native_cpu_up() call', async () => {
    const uri = fixtureUri('arch/x86/xen/smp_hvm.c');
    await openFixture('arch/x86/xen/smp_hvm.c');
    const [d, ...rest] = await diagnosticsFor(uri, (ds) => ds.length > 0);
    assert.equal(rest.length, 0, `one diagnostic, got ${hpDiagnostics(uri).map((x) => x.message).join(' | ')}`);
    assert.equal(codeOf(d), 'HP001');
    assert.equal(d.source, 'hotplug-race');
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    // Line 15 (0-based 14): "\trc = native_cpu_up(cpu, tidle);" -> the call spans columns 6..31.
    assert.deepEqual(rangeOf(d), [14, 6, 14, 31]);
    assert.equal(
      d.message,
      'CPU `cpu` is published online by `native_cpu_up()` at line 15 before its IPI vectors are set up by `xen_smp_intr_init()` at line 16',
    );
    // The rule page is linked, and the set-up call is the related location.
    assert.ok(typeof d.code === 'object' && /HP001/.test(d.code.target.toString()), 'code links to the HP001 rule page');
    const rel = d.relatedInformation ?? [];
    assert.ok(rel.length >= 1, 'has related information');
    assert.equal(rel[0].location.uri.toString(), uri.toString());
    // "\tWARN_ON(xen_smp_intr_init(cpu));" -> the call spans columns 9..31 of line 16 (0-based 15).
    assert.deepEqual(rangeOf(rel[0].location), [15, 9, 15, 31]);
  });

  it('reports an ignored set-up failure as HP002 (warning)', async () => {
    const uri = fixtureUri('arch/x86/xen/spinlock.c');
    await openFixture('arch/x86/xen/spinlock.c');
    const ds = await diagnosticsFor(uri, (x) => x.length > 0);
    assert.deepEqual(ds.map((d) => [codeOf(d), d.severity, ...rangeOf(d)]), [['HP002', vscode.DiagnosticSeverity.Warning, 10, 1, 10, 23]]);
    assert.equal(
      ds[0].message,
      'IPI set-up of CPU `cpu` by `xen_smp_intr_init()` at line 11 can fail, but its result is ignored before CPU `cpu` is published online by `native_cpu_up()` at line 12',
    );
  });

  it('reports nothing for the safe order', async () => {
    const safe = fixtureUri('arch/x86/xen/smp_pv.c');
    await openFixture('arch/x86/xen/smp_pv.c');
    // Diagnostics are published per file in the order the server analyses them: once a later file has
    // its diagnostics, the safe file has been analysed too.
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await openFixture('arch/x86/xen/smp_hvm.c');
    await diagnosticsFor(fixtureUri('arch/x86/xen/smp_hvm.c'), (x) => x.length > 0);
    assert.deepEqual(hpDiagnostics(safe), []);
  });

  it('applies the workspace rules file only in a trusted workspace', async () => {
    const uri = fixtureUri('arch/arm/mach-board/platsmp.c');
    await openFixture('arch/arm/mach-board/platsmp.c');
    if (process.env.HOTPLUG_RACE_EXPECT_UNTRUSTED === '1') {
      assert.equal(vscode.workspace.isTrusted, false);
      // The rules file is ignored, so board_fw_boot_cpu() is unknown: analyse another file and check this one stayed clean.
      await openFixture('arch/x86/xen/smp_hvm.c');
      await diagnosticsFor(fixtureUri('arch/x86/xen/smp_hvm.c'), (x) => x.length > 0);
      assert.deepEqual(hpDiagnostics(uri), []);
      return;
    }
    assert.equal(vscode.workspace.isTrusted, true);
    const ds = await diagnosticsFor(uri, (x) => x.length > 0);
    // .hotplug-race.json makes board_fw_boot_cpu() an online-kick: "\tboard_fw_boot_cpu(cpu);" spans columns 1..23.
    assert.deepEqual(ds.map((d) => [codeOf(d), d.severity, ...rangeOf(d)]), [['HP001', vscode.DiagnosticSeverity.Error, 9, 1, 9, 23]]);
    const base = 'CPU `cpu` is published online by `board_fw_boot_cpu()` at line 10 before its IPI vectors are set up by `xen_smp_intr_init()` at line 11';
    // The server appends why there is no quick fix when it can tell in time (it skips that under load).
    const why = '. No quick fix: the function returns the result of `xen_smp_intr_init(cpu)`, so moving it would change what the function returns.';
    assert.ok([base, base + why].includes(ds[0].message), ds[0].message);
  });
});
