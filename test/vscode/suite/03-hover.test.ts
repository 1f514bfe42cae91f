import * as assert from 'assert';
import * as vscode from 'vscode';
import { activated, diagnosticsFor, fixtureUri, openFixture } from './helpers';

function hoverText(h: vscode.Hover): string {
  return h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : '')).join('\n');
}

describe('hover', () => {
  before(async () => {
    await activated();
    await openFixture('arch/x86/xen/smp_hvm.c');
    await diagnosticsFor(fixtureUri('arch/x86/xen/smp_hvm.c'), (x) => x.length > 0);
  });

  it('explains the role of native_cpu_up()', async () => {
    const uri = fixtureUri('arch/x86/xen/smp_hvm.c');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(14, 10));
    const ours = hovers.filter((h) => hoverText(h).includes('online-sync'));
    assert.equal(ours.length, 1, `one hover from the extension; got ${JSON.stringify(hovers.map(hoverText))}`);
    const text = hoverText(ours[0]);
    assert.ok(
      text.startsWith('**online-sync**: `native_cpu_up()` publishes the CPU online (returns with it in cpu_online_mask) (CPU `cpu`).'),
      text,
    );
    assert.match(text, /builtin knowledge base entry `native_cpu_up`/);
    // The hover covers the callee name.
    const r = ours[0].range!;
    assert.deepEqual([r.start.line, r.start.character, r.end.line, r.end.character], [14, 6, 14, 19]);
  });

  it('explains the role of xen_smp_intr_init()', async () => {
    const uri = fixtureUri('arch/x86/xen/smp_hvm.c');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(15, 12));
    const text = hovers.map(hoverText).join('\n');
    assert.ok(text.includes("**ipi-setup**: `xen_smp_intr_init()` sets up the CPU's IPI vectors (CPU `cpu`)."), text);
  });

  it('has no hover on a plain local', async () => {
    const uri = fixtureUri('arch/x86/xen/smp_hvm.c');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(12, 6));
    assert.equal(hovers.filter((h) => /online-|ipi-/.test(hoverText(h))).length, 0);
  });
});
