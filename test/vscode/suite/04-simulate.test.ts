// Waits on the simulator engineer: client/src/simulate-command.ts registers hotplugRace.simulate and
// returns the simulation result (the test hook); the trace view is their webview.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { activated, diagnosticsFor, fixtureUri, openFixture } from './helpers';

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
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs);
    assert.ok(
      tabs.some((t) => t.input instanceof vscode.TabInputWebview),
      `a webview tab is open; tabs: ${tabs.map((t) => t.label).join(', ')}`,
    );
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
