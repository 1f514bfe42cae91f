// Quick fixes come from the fix engineer (server/src/fix, server/src/lsp/code-actions.ts).
// Runs last: it edits the fixture documents (they are reverted afterwards).
import * as assert from 'assert';
import * as vscode from 'vscode';
import { activated, diagnosticsFor, fixtureUri, hpDiagnostics, openFixture } from './helpers';

const FIXED_SEED = `static int xen_hvm_cpu_up(unsigned int cpu, struct task_struct *tidle)
{
	int rc;

	rc = xen_smp_intr_init(cpu);
	WARN_ON(rc);
	if (!rc)
		rc = native_cpu_up(cpu, tidle);
	return rc;
}`;

// spinlock.c publishes with `return native_cpu_up(...)`: a guard would fall off the end, so Fix all bails out.
const SPINLOCK_BEFORE = `{
	xen_smp_intr_init(cpu);
	return native_cpu_up(cpu, idle);
}`;
const SPINLOCK_FIXED = `{
	int rc;

	rc = xen_smp_intr_init(cpu);
	if (rc)
		return rc;
	return native_cpu_up(cpu, idle);
}`;

async function quickFixes(uri: vscode.Uri, d: vscode.Diagnostic): Promise<vscode.CodeAction[]> {
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
    'vscode.executeCodeActionProvider', uri, d.range, vscode.CodeActionKind.QuickFix.value,
  );
  // Only this extension provides code actions for C in the test host.
  return actions;
}

describe('code actions', () => {
  before(async () => {
    await activated();
  });

  after(async () => {
    for (const doc of vscode.workspace.textDocuments.filter((d) => d.isDirty)) {
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  });

  it('offers the seed fixes, the guarded move preferred', async () => {
    const uri = fixtureUri('arch/x86/xen/smp_hvm.c');
    await openFixture('arch/x86/xen/smp_hvm.c');
    const [d] = await diagnosticsFor(uri, (x) => x.length === 1);
    const actions = await quickFixes(uri, d);
    const summary = actions.map((a) => ({ title: a.title, kind: a.kind?.value, preferred: !!a.isPreferred }));
    assert.deepEqual(summary, [
      { title: 'Set up first: move `xen_smp_intr_init()` before `native_cpu_up()` and publish only if it succeeds', kind: 'quickfix', preferred: true },
      { title: 'Set up first: move `xen_smp_intr_init()` before `native_cpu_up()` and return on failure', kind: 'quickfix', preferred: false },
      { title: 'Simulate this race in xen_hvm_cpu_up()', kind: 'quickfix', preferred: false },
    ]);
    // The simulate action runs the simulator on the function; the fixes carry edits.
    assert.equal(actions[2].command?.command, 'hotplugRace.simulate');
    assert.ok(actions[0].edit && actions[1].edit);
  });

  it('the preferred fix produces the upstream order and the diagnostic disappears', async () => {
    const uri = fixtureUri('arch/x86/xen/smp_hvm.c');
    const editor = await openFixture('arch/x86/xen/smp_hvm.c');
    const [d] = await diagnosticsFor(uri, (x) => x.length === 1);
    const preferred = (await quickFixes(uri, d)).find((a) => a.isPreferred);
    assert.ok(preferred?.edit, 'a preferred fix with an edit');
    assert.ok(await vscode.workspace.applyEdit(preferred.edit), 'the edit applies');
    const text = editor.document.getText();
    const start = text.indexOf('static int xen_hvm_cpu_up');
    assert.equal(text.slice(start, text.indexOf('\n}', start) + 2), FIXED_SEED);
    await diagnosticsFor(uri, (x) => x.length === 0);
    assert.deepEqual(hpDiagnostics(uri), []);
  });

  it('Hotplug: Fix all fixes every finding of the active file', async () => {
    const uri = fixtureUri('arch/x86/xen/spinlock.c');
    const editor = await openFixture('arch/x86/xen/spinlock.c');
    await diagnosticsFor(uri, (x) => x.length === 1);
    const before = editor.document.getText();
    const result = await vscode.commands.executeCommand<{ applied: number; message: string }>('hotplugRace.fixAll');
    assert.equal(result?.applied, 1, JSON.stringify(result));
    assert.notEqual(editor.document.getText(), before);
    assert.ok(before.includes(SPINLOCK_BEFORE), before);
    // Exactly the bail-out shape, every other byte unchanged.
    assert.equal(editor.document.getText(), before.replace(SPINLOCK_BEFORE, SPINLOCK_FIXED));
    await diagnosticsFor(uri, (x) => x.length === 0);
  });
});
