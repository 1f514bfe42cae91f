import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import { activated, EXTENSION_ID, openFixture, waitFor } from './helpers';

describe('activation', () => {
  it('activates on a C file and starts the language server', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, 'extension is present');
    const editor = await openFixture('arch/x86/xen/smp_hvm.c');
    assert.equal(editor.document.languageId, 'c');
    const api = await activated();
    assert.equal(ext.isActive, true);
    await waitFor('status ready', () => (api.status.state === 'ready' ? true : undefined), 30_000);
  });

  it('shows starting, then the workspace indexing, then ready in the status bar', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const api = await activated();
    // The server indexes the workspace once at start-up and reports it as work-done progress.
    await waitFor('indexing to finish', () => {
      const h = api.status.history;
      const i = h.indexOf('indexing');
      return i >= 0 && h.lastIndexOf('ready') > i ? true : undefined;
    }, 30_000);
    const h = api.status.history;
    assert.equal(h[0], 'starting', h.join(' → '));
    assert.ok(h.indexOf('indexing') > h.indexOf('starting'), h.join(' → '));
    assert.equal(ext.isActive, true);
  });

  it('runs the package under test (installed .vsix when requested)', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const expected = process.env.HOTPLUG_RACE_EXPECT_INSTALLED_IN;
    if (expected) {
      assert.ok(
        path.resolve(ext.extensionPath).startsWith(path.resolve(expected) + path.sep),
        `extension path ${ext.extensionPath} is inside the extensions dir ${expected}`,
      );
    }
    // The manifest's main is the esbuild bundle, in both modes.
    assert.equal(ext.packageJSON.main, './dist/client.js');
  });

  it('contributes its commands', async () => {
    const all = await vscode.commands.getCommands(true);
    for (const c of ['hotplugRace.restartServer', 'hotplugRace.showOutput', 'hotplugRace.fixAll']) {
      assert.ok(all.includes(c), `command ${c} is registered`);
    }
  });
});
