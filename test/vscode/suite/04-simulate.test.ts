// Waits on the simulator engineer: client/src/simulate-command.ts registers hotplugRace.simulate and
// returns the simulation result (the test hook); the trace view is their webview.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { activated, diagnosticsFor, fixtureUri, openFixture, waitFor } from './helpers';

describe('simulate hotplug', () => {
  before(async () => {
    await activated();
    await openFixture('arch/x86/xen/smp_hvm.c');
    await diagnosticsFor(fixtureUri('arch/x86/xen/smp_hvm.c'), (x) => x.length > 0);
  });

  it('"Simulate hotplug" on the seed reports a race and opens the trace view', async () => {
    const all = await vscode.commands.getCommands(true);
    assert.ok(all.includes('hotplugRace.simulate'), 'hotplugRace.simulate is registered');
    const editor = await openFixture('arch/x86/xen/smp_hvm.c');
    editor.selection = new vscode.Selection(14, 8, 14, 8);
    const result = await vscode.commands.executeCommand<{ verdict?: string }>('hotplugRace.simulate');
    assert.ok(result && typeof result === 'object', `the command returns its result, got ${JSON.stringify(result)}`);
    assert.equal(result.verdict, 'race');
    // The panel opens asynchronously in its own tab.
    const tab = await waitFor('the trace view tab', () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview), 10_000,
    ).catch(() => undefined);
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs);
    assert.ok(tab, `a webview tab is open; tabs: ${tabs.map((t) => `${t.label} (${t.input?.constructor?.name})`).join(', ')}`);
    assert.match(tab.label, /xen_hvm_cpu_up/);
  });

  it('the safe order simulates without a race', async () => {
    const all = await vscode.commands.getCommands(true);
    assert.ok(all.includes('hotplugRace.simulate'), 'hotplugRace.simulate is registered');
    const uri = fixtureUri('arch/x86/xen/smp_pv.c');
    const result = await vscode.commands.executeCommand<{ verdict?: string }>('hotplugRace.simulate', uri.toString(), 'xen_pv_cpu_up');
    assert.ok(result && typeof result === 'object', `the command returns its result, got ${JSON.stringify(result)}`);
    assert.notEqual(result.verdict, 'race');
  });
});
